// The full workload's pair-months (28 pairs x 12 months, 2024-07 .. 2025-06), and the
// knobs that shrink it for a quick check on a busy machine:
//   BQX_BENCH_PAIRS   a count (the first N registered pairs, alphabetically) or a list (EURUSD,USDJPY)
//   BQX_BENCH_MONTHS  a count of months from 2024-07 (1 .. 12)
// Every part that uses the workload (full, writelimit, seedmethod) prints what it ran.
import pg from 'pg';
import { seedBars } from '../scripts/seed/index.js';

export const FIRST_MONTH = '2024-07';
export const FULL_MONTHS = 12;

export interface PairMonth { pair: string; month: string; start: string; end: string; leaf: string }

export interface Workload {
  pairs: string[];
  from: string;
  to: string;
  /** in queue order: by month, then pair */
  pairMonths: PairMonth[];
  /** e.g. '28 pairs x 12 months' (and 'shrunk by BQX_BENCH_*' when it is) */
  label: string;
  full: boolean;
}

/** 'YYYY-MM' plus k months. */
export function addMonths(month: string, k: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + k, 1));
  return d.toISOString().slice(0, 7);
}

function envCount(name: string, max: number): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be an integer from 1 to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

/** The workload of this run, from the environment, against a migrated database. */
export async function resolveWorkload(url: string): Promise<Workload> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const registered: string[] = (await c.query(`select pair from bqx.pairs order by pair`)).rows.map((r) => r.pair);
    const pv = process.env.BQX_BENCH_PAIRS?.trim() ?? '';
    let pairs = registered;
    if (/^\d+$/.test(pv)) pairs = registered.slice(0, envCount('BQX_BENCH_PAIRS', registered.length));
    else if (pv !== '') {
      pairs = pv.split(',').map((p) => p.trim().toUpperCase());
      const unknown = pairs.filter((p) => !registered.includes(p));
      if (unknown.length) throw new Error(`BQX_BENCH_PAIRS: not registered in bqx.pairs: ${unknown.join(', ')}`);
    }
    const months = envCount('BQX_BENCH_MONTHS', FULL_MONTHS) ?? FULL_MONTHS;
    const monthList = Array.from({ length: months }, (_, i) => addMonths(FIRST_MONTH, i));
    const { rows } = await c.query(
      `select m.month, p.pair, b.month_start::text as start, b.month_end::text as "end",
              bqx_internal.leaf_name(p.pair, b.month_start) as leaf
         from unnest($1::text[]) with ordinality as m (month, i)
        cross join unnest($2::text[]) with ordinality as p (pair, j)
        cross join lateral bqx_internal.parse_month(m.month) b
        order by m.i, p.j`, [monthList, pairs]);
    const full = pairs.length === registered.length && months === FULL_MONTHS;
    return {
      pairs, from: FIRST_MONTH, to: monthList[monthList.length - 1], pairMonths: rows as PairMonth[], full,
      label: `${pairs.length} pairs x ${months} month${months === 1 ? '' : 's'}${full ? '' : ' (shrunk by BQX_BENCH_PAIRS / BQX_BENCH_MONTHS)'}`,
    };
  } finally {
    await c.end();
  }
}

/** Seeded bars of the workload (seed 1), not timed by the parts that use them. */
export async function seedWorkload(url: string, w: Workload): Promise<{ bars: number; seconds: number }> {
  const r = await seedBars(url, { pairs: w.pairs, from: w.from, to: w.to, seed: 1 });
  return { bars: r.bars, seconds: r.seconds };
}
