// bqx_reader reads data and progress but is denied every write path.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { loadWalkBars } from './support/queue.js';

describe('roles', () => {
  let db: TestDb;
  let reader: pg.Client;
  const login = `bqx_test_reader_${process.pid}`;
  beforeAll(async () => {
    db = await testDatabase('roles');
    await loadWalkBars(db, ['EURUSD'], '2024-06-25', '2024-08-01');
    await db.query(`select bqx.enqueue(array['EURUSD'], '2024-07', '2024-07')`);
    await db.query(`call bqx.work()`);
    await db.query(`select bqx.enqueue(array['EURUSD'], '2024-08', '2024-08')`);
    await db.query(`drop role if exists ${login}`);
    // a password: the test server may require one on host connections (testcontainers does)
    await db.query(`create role ${login} login password '${login}' in role bqx_reader`);
    const url = new URL(db.url);
    url.username = login;
    url.password = login;
    reader = new pg.Client({ connectionString: url.toString() });
    await reader.connect();
  });
  afterAll(async () => {
    await reader?.end();
    await db?.query(`drop owned by ${login}`).catch(() => {});
    await db?.query(`drop role if exists ${login}`).catch(() => {});
    await db?.end();
  });

  it('reads bars, BQX rows (parent and leaf), the queue and the progress views', async () => {
    for (const sql of [
      `select count(*) from bqx.m1`, `select count(*) from bqx.bqx`, `select count(*) from bqx.bqx_eurusd_2024_07`,
      `select * from bqx.jobs`, `select * from bqx.progress`, `select * from bqx.progress_by_pair`,
      `select * from bqx.recent_jobs`, `select * from bqx.failed_jobs`, `select * from bqx.storage`,
      `select * from bqx.data_quality()`,
    ]) {
      await expect(reader.query(sql), sql).resolves.toBeTruthy();
    }
    const n = await reader.query(`select count(*)::int as n from bqx.bqx_eurusd_2024_07`);
    expect(n.rows[0].n).toBeGreaterThan(0);
  });

  it('is denied every write path', async () => {
    for (const sql of [
      `select bqx.enqueue(null, '2024-07', '2024-07')`,
      `call bqx.work()`,
      `call bqx.backfill('EURUSD', '2024-07')`,
      `select bqx.schedule(1)`,
      `select bqx.unschedule()`,
      `update bqx.jobs set status = 'pending'`,
      `delete from bqx.jobs`,
      `insert into bqx.m1 values ('EURUSD', now(), 1.1)`,
      `insert into bqx.bqx (pair, ts_utc, rate) values ('EURUSD', '2024-07-03', 1.1)`,
      `delete from bqx.bqx_eurusd_2024_07`,
      `select bqx_internal.write_month('EURUSD', '2024-07-01', '2024-08-01')`,
      `select bqx_internal.claim_job('x')`,
      `update bqx.settings set value = 'sql' where key = 'engine'`,
    ]) {
      await expect(reader.query(sql), sql).rejects.toMatchObject({ code: '42501' });
    }
    const j = await db.query(`select count(*)::int as n from bqx.jobs where status = 'pending'`);
    expect(j.rows[0].n).toBe(1);
  });
});
