// pg_cron really runs the workers: bqx.schedule(2) drains a small queue within a couple
// of minutes (pg_cron fires on the minute), then the workers unschedule themselves.
// The cron database is shared by the test files: this test uses its own pair-months and
// cleans up. The workers unschedule themselves only once the whole queue is empty, so the
// test needs the queue to itself and says so if another user has work queued there.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronDatabaseUrl, testDatabase, type TestDb } from './support/db.js';

const PAIR = 'NZDCHF';
const FROM = '2019-01-01';
const TO = '2019-03-01';

describe('pg_cron workers', () => {
  let c: pg.Client;
  let plain: TestDb;
  beforeAll(async () => {
    c = new pg.Client({ connectionString: cronDatabaseUrl() });
    await c.connect();
    await cleanup();
    await c.query('begin');
    await c.query(`set local bqx.live = 'off'`);
    await c.query(
      `insert into bqx.m1 (pair, ts_utc, rate)
       select $1, g.ts, 0.6 + 0.01 * sin(extract(epoch from g.ts) / 5000.0)
         from generate_series($2::timestamptz, $3::timestamptz - interval '1 minute', interval '1 minute') g (ts)
        where extract(isodow from g.ts at time zone 'UTC') < 6`, [PAIR, FROM, TO]);
    await c.query('commit');
    plain = await testDatabase('cron_missing');
    const queued = await c.query(`select count(*)::int as n from bqx.jobs where status in ('pending', 'running')`);
    expect(queued.rows[0].n, 'jobs pending or running in the cron database before this test: it needs the queue to itself').toBe(0);
  });
  async function cleanup(): Promise<void> {
    await c.query(`select bqx.unschedule()`).catch(() => {});
    await c.query(`delete from bqx.jobs where pair = $1 and month in ('2019-01', '2019-02')`, [PAIR]);
    await c.query(`drop table if exists bqx.bqx_nzdchf_2019_01, bqx.bqx_nzdchf_2019_02`);
    await c.query('begin');
    await c.query(`set local bqx.live = 'off'`);
    await c.query(`delete from bqx.m1 where pair = $1 and ts_utc >= $2 and ts_utc < $3`, [PAIR, FROM, TO]);
    await c.query('commit');
  }
  afterAll(async () => {
    if (c) {
      await cleanup().catch(() => {});
      await c.end();
    }
    await plain?.end();
  });

  it('drains the queue from psql with two statements, then unschedules itself', async () => {
    const n = await c.query(`select bqx.enqueue(array[$1], '2019-01', '2019-02') as n`, [PAIR]);
    expect(n.rows[0].n).toBe(2);
    const s = await c.query(`select bqx.schedule(2) as n`);
    expect(s.rows[0].n).toBe(2);
    const jobs = await c.query(`select jobname, schedule, command from cron.job where jobname like 'bqx-worker-%' order by jobname`);
    expect(jobs.rows.map((j) => j.jobname)).toEqual(['bqx-worker-1', 'bqx-worker-2']);
    expect(jobs.rows[0].schedule).toBe('* * * * *');
    expect(jobs.rows[0].command).toMatch(/^CALL bqx\.work\(max_seconds => 50, worker => 'bqx-worker-1', unschedule_when_done => true\)$/);

    const until = Date.now() + 150_000;
    let done = 0;
    while (Date.now() < until) {
      const r = await c.query(`select count(*) filter (where status = 'done')::int as done from bqx.jobs where pair = $1 and month in ('2019-01','2019-02')`, [PAIR]);
      done = r.rows[0].done;
      if (done === 2) break;
      await new Promise((res) => setTimeout(res, 2000));
    }
    expect(done).toBe(2);
    const w = await c.query(`select month, status, attempts, worker from bqx.jobs where pair = $1 and month in ('2019-01','2019-02') order by month`, [PAIR]);
    expect(w.rows.map((j) => [j.month, j.status, j.attempts])).toEqual([['2019-01', 'done', 1], ['2019-02', 'done', 1]]);
    for (const row of w.rows) expect(row.worker).toMatch(/^bqx-worker-[12] pid \d+$/);
    const rows = await c.query(`select count(*)::int as n from bqx.bqx where pair = $1 and ts_utc >= $2 and ts_utc < $3`, [PAIR, FROM, TO]);
    const src = await c.query(`select count(*)::int as n from bqx.m1 where pair = $1 and ts_utc >= $2 and ts_utc < $3`, [PAIR, FROM, TO]);
    expect(rows.rows[0].n).toBe(src.rows[0].n);

    // nothing is pending or running now, so the two workers remove themselves (at their
    // next run at the latest)
    let left: string[] = [];
    const until2 = Date.now() + 90_000;
    while (Date.now() < until2) {
      left = (await c.query(`select jobname from cron.job where jobname in ('bqx-worker-1', 'bqx-worker-2') order by jobname`)).rows.map((j) => j.jobname);
      if (left.length === 0) break;
      await new Promise((res) => setTimeout(res, 2000));
    }
    expect(left).toEqual([]);
  }, 260_000);

  it('says clearly when pg_cron is not installed in this database', async () => {
    await expect(plain.query(`select bqx.schedule(2)`)).rejects.toMatchObject({
      code: '55000',
      message: expect.stringMatching(/^pg_cron is not installed in database /),
      hint: expect.stringMatching(/bqx backfill --via node/),
    });
  });
});
