// Live mode with bars far apart in time: a bar inserted decades before (or after) a pair's
// history recomputes the range up to the next 75 good bars, but creates month leaves only
// for the months that hold bars, not for every month in between (a 1900 bar and a 2199
// bar used to create ~3,600 leaves and run out of shared memory).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';

let db: TestDb;
beforeAll(async () => { db = await testDatabase('live_far'); });
afterAll(async () => { await db?.end(); });

const leaves = async (pair: string): Promise<string[]> =>
  (await db.query(
    `select c.relname from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
      where i.inhparent = to_regclass('bqx.bqx_' || lower($1)) order by 1`, [pair])).rows.map((r) => r.relname);

describe('live mode, bars far apart', () => {
  it('a bar in 1900 and one in 2199 around a 2024 history create only the leaves of months with bars', async () => {
    await db.query(`set bqx.live = 'off'`);
    await db.query(`insert into bqx.m1 (pair, ts_utc, rate)
                    select 'AUDNZD', timestamptz '2024-07-01 00:00Z' + n * interval '1 minute', 1.08 + n / 1e6 from generate_series(0, 199) n`);
    await db.query(`reset bqx.live`);
    await db.query(`call bqx.backfill('AUDNZD', '2024-07')`);
    const t0 = Date.now();
    await db.query(`insert into bqx.m1 (pair, ts_utc, rate) values ('AUDNZD', '1900-01-01 00:00Z', 1.1), ('AUDNZD', '2199-12-31 23:59Z', 1.2)`);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(await leaves('AUDNZD')).toEqual(['bqx_audnzd_1900_01', 'bqx_audnzd_2024_07', 'bqx_audnzd_2199_12']);
    // every bar has its row; the 2024 bars now look back to the 1900 bar
    const r = await db.query(`select count(*)::int as n, count(*) filter (where w15_bqx_return is not null)::int as w15
                                from bqx.bqx where pair = 'AUDNZD'`);
    expect(r.rows[0]).toEqual({ n: 202, w15: 202 - 15 });
  });
});
