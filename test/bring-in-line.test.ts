// bqx_internal.bring_in_line: the in-place re-run of a month (rows of gone bars deleted,
// new rows inserted, only rows that differ updated). A month leaf that was just attached
// has no statistics yet; the re-run must not then plan its "rows of gone bars" as a
// nested loop over the stage (one scan of the stage per stored row: a 40 s re-run of one
// pair-month, seen in the queue test). The stage's scan count, read in the transaction,
// shows the plan's shape without timing anything.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { loadWalkBars } from './support/queue.js';
import { describeEachEngine, useEngine } from './support/engines.js';

describeEachEngine('bring_in_line', (engine) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await testDatabase(`bring_in_line_${engine}`);
    await useEngine(db, engine);
    await loadWalkBars(db, ['EURUSD'], '2024-06-25', '2024-08-01');
  });
  afterAll(async () => { await db?.end(); });

  it('re-runs a month just attached (no statistics) reading the stage once per statement', async () => {
    await db.query(`call bqx.backfill('EURUSD', '2024-07')`);
    const stats = await db.query(`select coalesce(last_analyze, last_autoanalyze) as analyzed, n_live_tup
                                    from pg_stat_user_tables where relname = 'bqx_eurusd_2024_07'`);
    expect(stats.rows[0].analyzed).toBeNull();
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      // the month as recomputed: the first day's bars gone, one value changed, one bar new
      await c.query(`create table bqx_internal.stage_test (like bqx.bqx)`);
      await c.query(`insert into bqx_internal.stage_test select * from bqx.bqx_eurusd_2024_07 where ts_utc >= '2024-07-02'`);
      await c.query(`update bqx_internal.stage_test set agg_range = 1 where ts_utc = '2024-07-15 12:00+00'`);
      await c.query(`insert into bqx_internal.stage_test (pair, ts_utc, rate) values ('EURUSD', '2024-07-06 12:00+00', 1.5)`);
      const seqScans = async (rel: string) => Number((await c.query(
        `select seq_scan from pg_stat_xact_user_tables where relid = $1::regclass`, [rel])).rows[0].seq_scan);
      const scansOfStage = () => seqScans('bqx_internal.stage_test');
      const scansOfLeaf = () => seqScans('bqx.bqx_eurusd_2024_07');
      const before = await scansOfStage();
      const leafBefore = await scansOfLeaf();
      await c.query(`select bqx_internal.bring_in_line('bqx.bqx_eurusd_2024_07', 'stage_test', 'EURUSD', '2024-07-01', '2024-08-01')`);
      expect(await scansOfStage() - before).toBe(2); // the gone rows' EXCEPT, the upsert's join
      expect(await scansOfLeaf() - leafBefore).toBeLessThanOrEqual(2); // never once per stage row
      // only the changed row and the new bar were written; the unchanged rows were not even locked
      // (the updated row's new version keeps our lock: PostgreSQL's own bookkeeping)
      const touched = await c.query(`select count(*) filter (where xmin::text = txid_current()::text)::int as written,
                                            count(*) filter (where xmax::text = txid_current()::text
                                                               and xmin::text <> txid_current()::text)::int as locked
                                       from bqx.bqx_eurusd_2024_07`);
      expect(touched.rows[0]).toEqual({ written: 2, locked: 0 });
      const diff = await c.query(`select count(*)::int as n from ((table bqx_internal.stage_test except all select * from bqx.bqx_eurusd_2024_07)
                                   union all (select * from bqx.bqx_eurusd_2024_07 except all table bqx_internal.stage_test)) d`);
      expect(diff.rows[0].n).toBe(0);
    } finally {
      await c.query('rollback');
      c.release();
    }
  });
});
