// One engine per database: whatever writes a bar's row (a backfill of its month, the live
// trigger of an INSERT, catch-up over a source bqx does not own), it is computed by the
// configured engine and gets the same bits. Under each engine: backfill two months,
// insert late and new bars live, run catch-up, then compare every stored row with a fresh
// backfill of the same months: zero difference, bit for bit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBars, weekdayMinutes } from './support/bars.js';
import { testDatabase, type TestDb } from './support/db.js';
import { describeEachEngine, engineDecision, plv8, plv8Required, useEngine } from './support/engines.js';
import { jpySeries, mulberry32, sprinkleBadBars } from './support/random-series.js';

const PAIR = 'GBPJPY';
const MONTHS = ['2024-06', '2024-07'];

let db: TestDb;
beforeAll(async () => { db = await testDatabase('parity'); });
afterAll(async () => { await db?.end(); });

/** Rows of PAIR that differ between bqx.bqx and the snapshot table, both ways (bitwise: float8 equality, NULL = NULL). */
async function differences(snapshot: string): Promise<number> {
  const r = await db.query(
    `select count(*)::int as n from (
       (select * from bqx.bqx where pair = $1 except all select * from ${snapshot})
       union all
       (select * from ${snapshot} except all select * from bqx.bqx where pair = $1)) d`, [PAIR]);
  return r.rows[0].n;
}

describeEachEngine('one engine per database', (engine) => {
  it('live inserts, updates and catch-up store the same bits as a fresh backfill', async () => {
    await db.query(`delete from bqx.m1 where pair = $1`, [PAIR]);
    await useEngine(db, engine);

    // two months of bars with gaps for late bars, loaded with live off, then backfilled
    const ts = weekdayMinutes(new Date(Date.UTC(2024, 5, 1)), new Date(Date.UTC(2024, 7, 1)));
    const rates = sprinkleBadBars(mulberry32(5), jpySeries(6, ts.length), 0.002);
    const rng = mulberry32(7);
    const held: number[] = [];
    for (let i = 200; i < ts.length - 10; i += 997) held.push(i + Math.floor(rng() * 50));
    const keep = ts.map((_, i) => !held.includes(i));
    await loadBars(db, PAIR, ts.filter((_, i) => keep[i]), rates.filter((_, i) => keep[i]));
    for (const m of MONTHS) {
      const r = await db.query(`call bqx.backfill($1, $2)`, [PAIR, m]);
      expect(r.rows[0].engine).toBe(engine);
    }

    // live: the held-back bars arrive late (a few per statement, across both months and the
    // month boundary's lookback), one update of a stored bar, then new bars at the end
    for (let i = 0; i < held.length; i += 3) {
      const batch = held.slice(i, i + 3);
      await db.query(`insert into bqx.m1 (pair, ts_utc, rate) select $1, unnest($2::timestamptz[]), unnest($3::float8[])`,
        [PAIR, batch.map((j) => ts[j].toISOString()), batch.map((j) => rates[j])]);
    }
    await db.query(`update bqx.m1 set rate = rate * 1.0001 where pair = $1 and ts_utc = $2`, [PAIR, ts[4_000].toISOString()]);
    const last = ts[ts.length - 1].getTime();
    await db.query(`insert into bqx.m1 (pair, ts_utc, rate) select $1, to_timestamp($2 / 1000.0) + n * interval '1 minute', 150 + n / 1000.0
                     from generate_series(1, 20) n`, [PAIR, last]);
    // catch-up over everything (what a source bqx does not own relies on) changes nothing more
    await db.query(`call bqx.catch_up(late_horizon => '90 days')`);

    const snapshot = `public.live_${engine}`;
    await db.query(`create table ${snapshot} as select * from bqx.bqx where pair = $1`, [PAIR]);
    const live = (await db.query(`select count(*)::int as n from ${snapshot}`)).rows[0].n;
    expect(live).toBeGreaterThan(40_000);

    // a fresh backfill of every month the pair has bars in
    for (const m of [...MONTHS, '2024-08']) {
      const r = await db.query(`select exists (select from bqx.m1 where pair = $1 and ts_utc >= ($2 || '-01')::timestamptz
                                 and ts_utc < ($2 || '-01')::timestamptz + interval '1 month') as has`, [PAIR, m]);
      if (r.rows[0].has) await db.query(`call bqx.backfill($1, $2)`, [PAIR, m]);
    }
    expect(await differences(snapshot)).toBe(0);
    expect((await db.query(`select count(*)::int as n from bqx.bqx where pair = $1`, [PAIR])).rows[0].n).toBe(live);
  });
});

describe('engine auto', () => {
  const decision = engineDecision('plv8', plv8, plv8Required());
  it('picks plv8 where it works, and falls back to sql with a WARNING where the installed plv8 fails', async (ctx) => {
    if (decision.action === 'skip') ctx.skip(decision.reason);
    if (decision.action === 'fail') throw new Error(decision.reason);
    await db.query(`update bqx.settings set value = 'auto' where key = 'engine'`);
    expect((await db.query(`select bqx_internal.current_engine() as e`)).rows[0].e).toBe('plv8');
    const c = await db.pool.connect();
    const warnings: string[] = [];
    c.on('notice', (n) => { if (n.severity === 'WARNING') warnings.push(n.message ?? ''); });
    try {
      await c.query('begin');
      // a PLV8 that loads but cannot run the kernel (as a broken installation would)
      const result = (await c.query(`select pg_get_function_result('bqx_internal.plv8_kernel(double precision[], integer)'::regprocedure) as r`)).rows[0].r;
      await c.query(`create or replace function bqx_internal.plv8_kernel(p_rate double precision[], p_first_wanted integer)
                       returns ${result} language plv8 immutable as $$ throw new Error('V8 is broken'); $$`);
      expect((await c.query(`select bqx_internal.current_engine() as e`)).rows[0].e).toBe('sql');
      expect(warnings.join('\n')).toMatch(/plv8 is installed but cannot be used .*V8 is broken.*falls back to sql/);
      // and a backfill still runs, with the sql engine
      await c.query(`set local bqx.live = 'off'`);
      await c.query(`insert into bqx.m1 (pair, ts_utc, rate)
                     select 'EURJPY', timestamptz '2024-07-01 00:00Z' + n * interval '1 minute', 160 + n / 1000.0 from generate_series(0, 299) n`);
      const r = await c.query(`call bqx.backfill('EURJPY', '2024-07')`);
      expect(r.rows[0]).toMatchObject({ rows_written: '300', engine: 'sql' });
    } finally {
      await c.query('rollback');
      c.release();
    }
    expect((await db.query(`select bqx_internal.current_engine() as e`)).rows[0].e).toBe('plv8');
  });
});
