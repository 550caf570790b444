// bqx_internal.source_arrays: the bars the PLV8 engine reads, as two arrays in time order.
// It reads them without sorting (ordered subqueries under one Append, see its file), so
// what it returns is compared here with bqx_internal.source_bars_ranges (one range) aggregated with an
// explicit ORDER BY, on bqx.m1 and on a source view whose table has no index and holds
// its rows in shuffled order (the source is then sorted), with bad and NULL rates among
// them and in the lookback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { loadWalkBars } from './support/queue.js';

describe('source_arrays', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await testDatabase('source_arrays');
    await loadWalkBars(db, ['EURUSD', 'GBPUSD'], '2024-06-20', '2024-08-01');
    // bad bars in the month and in the lookback: they get no element
    await db.query(`update bqx.m1 set rate = 'NaN' where pair = 'EURUSD' and ts_utc in (select ts_utc from bqx.m1 where pair = 'EURUSD' and ts_utc >= '2024-07-03' order by ts_utc limit 3)`);
    await db.query(`update bqx.m1 set rate = 2e9 where pair = 'EURUSD' and ts_utc in (select ts_utc from bqx.m1 where pair = 'EURUSD' and ts_utc < '2024-07-01' order by ts_utc desc limit 2)`);
  });
  afterAll(async () => { await db?.end(); });

  const both = async (pair: string, from: string, to: string) => (await db.query(
    `select a.ts = b.ts as same_ts, a.rate = b.rate as same_rate, a.first_wanted = b.first_wanted as same_first,
            cardinality(a.ts) as n, a.first_wanted, b.ts[1] < b.ts[2] as sorted
       from bqx_internal.source_arrays($1, $2, $3) a,
            (select array_agg(s.ts_utc order by s.ts_utc) as ts, array_agg(s.rate order by s.ts_utc) as rate,
                    (count(*) filter (where s.ts_utc < $2::timestamptz))::int as first_wanted
               from bqx_internal.source_bars_ranges(array[$1], array[$2::timestamptz], array[$3::timestamptz]) s) b`, [pair, from, to])).rows[0];

  it('equals the bars of source_bars_ranges in time order on bqx.m1, with 75 good bars of lookback', async () => {
    const r = await both('EURUSD', '2024-07-01', '2024-08-01');
    expect(r).toMatchObject({ same_ts: true, same_rate: true, same_first: true, first_wanted: 75, sorted: true });
    expect(r.n).toBeGreaterThan(20000);
  });

  it('holds only lookback for a month without bars, nothing before the first bar, and no lookback at the first month', async () => {
    const arrays = async (from: string, to: string) => (await db.query(
      `select cardinality(ts) as n, cardinality(rate) as m, first_wanted from bqx_internal.source_arrays('EURUSD', $1, $2)`, [from, to])).rows[0];
    expect(await arrays('2030-01-01', '2030-02-01')).toEqual({ n: 75, m: 75, first_wanted: 75 });
    expect(await arrays('2024-05-01', '2024-06-01')).toEqual({ n: 0, m: 0, first_wanted: 0 });
    const first = await both('GBPUSD', '2024-06-01', '2024-07-01');
    expect(first).toMatchObject({ same_ts: true, same_rate: true, first_wanted: 0 });
  });

  it('equals them on a view over an unindexed table holding its rows in shuffled order', async () => {
    await db.query(`create table public.shuffled as select pair, ts_utc, rate from bqx.m1 order by random()`);
    await db.query(`create view public.shuffled_bars as select pair, ts_utc, rate from public.shuffled`);
    await db.query(`update bqx.settings set value = 'public.shuffled_bars' where key = 'source'`);
    try {
      const r = await both('EURUSD', '2024-07-01', '2024-08-01');
      expect(r).toMatchObject({ same_ts: true, same_rate: true, same_first: true, first_wanted: 75, sorted: true });
    } finally {
      await db.query(`update bqx.settings set value = 'bqx.m1' where key = 'source'`);
    }
  });
});
