// Loading bars into bqx.m1 and reading BQX rows back, for engine-level tests; and the
// kernel's rows for the same bars, the reference every engine is compared with.
import type pg from 'pg';
import { BQX_COLUMNS, computeFeatures } from '../../plv8-src/index.js';
import { featureRows, type FeatureRow } from './naive.js';

type Queryable = Pick<pg.Pool, 'query'>;
type Connectable = Pick<pg.Pool, 'connect'>;

/**
 * Inserts bars (rates may be bad: null, NaN, Infinity, <= 0) for one pair, as a bulk
 * loader does: with live mode off for the loading transaction (the tests backfill).
 */
export async function loadBars(db: Connectable | { pool: Connectable }, pair: string, ts: readonly Date[], rates: readonly (number | null)[]): Promise<void> {
  const chunk = 50_000;
  const client = await ('pool' in db ? db.pool : db).connect();
  try {
    await client.query('begin');
    await client.query(`set local bqx.live = 'off'`);
    for (let i = 0; i < ts.length; i += chunk) {
      // float8 text keeps every bit and spells NaN/Infinity the way Postgres reads them
      await client.query(
        `insert into bqx.m1 (pair, ts_utc, rate)
         select $1, t, r from unnest($2::timestamptz[], $3::float8[]) as u(t, r)`,
        [pair, ts.slice(i, i + chunk).map((d) => d.toISOString()),
          rates.slice(i, i + chunk).map((r) => (r === null ? null : String(r)))],
      );
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
}

export interface StoredRow extends FeatureRow { ts: number; rate: number }

/** BQX rows of a pair in [from, to), time order, float8 read back exactly. */
export async function readBqx(db: Queryable, pair: string, from: Date, to: Date): Promise<StoredRow[]> {
  const cols = BQX_COLUMNS.filter((c) => c !== 'pair' && c !== 'ts_utc')
    .map((c) => (c === 'agg_sign_balance' ? c : `${c}::text as ${c}`)).join(', ');
  const r = await db.query(
    `select extract(epoch from ts_utc)::float8 * 1000 as ts, ${cols}
       from bqx.bqx where pair = $1 and ts_utc >= $2 and ts_utc < $3 order by ts_utc`,
    [pair, from.toISOString(), to.toISOString()]);
  return r.rows.map((row) => {
    const out: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(row)) out[k] = v === null ? null : Number(v);
    return out as unknown as StoredRow;
  });
}

/** The kernel's rows for the good bars in [from, to), computed over the whole given history. */
export function kernelRows(ts: readonly Date[], rates: readonly (number | null)[], from: Date, to: Date): StoredRow[] {
  const result = computeFeatures(rates, 0);
  const rows = featureRows(result);
  const out: StoredRow[] = [];
  for (let k = 0; k < result.length; k++) {
    const i = result.index[k];
    const t = ts[i].getTime();
    if (t >= from.getTime() && t < to.getTime()) out.push({ ...rows[k], ts: t, rate: rates[i] as number });
  }
  return out;
}

/** UTC month bounds of 'YYYY-MM'. */
export function monthBounds(month: string): [Date, Date] {
  const [y, m] = month.split('-').map(Number);
  return [new Date(Date.UTC(y, m - 1, 1)), new Date(Date.UTC(y, m, 1))];
}

/** 'YYYY-MM' of every month from..to inclusive. */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m === 13) { m = 1; y++; }
  }
  return out;
}

/** Minute timestamps of a market-like calendar: weekdays only (Sat/Sun skipped), every `step` minutes. */
export function weekdayMinutes(from: Date, to: Date, step = 1): Date[] {
  const out: Date[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += step * 60_000) {
    const d = new Date(t).getUTCDay();
    if (d !== 0 && d !== 6) out.push(new Date(t));
  }
  return out;
}
