// A worker that dies mid-job loses nothing: its job is re-run, the month is whole, and
// the attempts are counted. Two ways to die: pg_terminate_backend on the worker's
// backend, and SIGKILL of a Node worker process.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { describeEachEngine, useEngine } from './support/engines.js';
import { loadWalkBars } from './support/queue.js';

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runningJob(db: TestDb): Promise<{ pid: number; pair: string; month: string } | undefined> {
  const r = await db.query(`select worker_pid as pid, pair, month from bqx.job_activity where status = 'running' and worker_alive`);
  return r.rows[0];
}

async function monthIsWhole(db: TestDb, pair: string, month: string): Promise<void> {
  const r = await db.query(
    `select (select count(*) from bqx.bqx where pair = $1 and to_char(ts_utc at time zone 'UTC', 'YYYY-MM') = $2)::int as stored,
            (select count(*) from bqx.m1 where pair = $1 and to_char(ts_utc at time zone 'UTC', 'YYYY-MM') = $2)::int as source`,
    [pair, month]);
  expect(r.rows[0].stored).toBe(r.rows[0].source);
  expect(r.rows[0].stored).toBeGreaterThan(0);
}

describeEachEngine('crash safety', (engine) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await testDatabase(`crash_${engine}`);
    await useEngine(db, engine);
    await loadWalkBars(db, ['EURUSD'], '2024-06-25', '2024-09-01');
  });
  afterAll(async () => { await db?.end(); });

  it('a worker backend terminated mid-job: the job is re-run, the month is whole, attempts counted', async () => {
    await db.query(`select bqx.enqueue(array['EURUSD'], '2024-07', '2024-07')`);
    const worker = new pg.Client({ connectionString: db.url });
    worker.on('error', () => {});
    await worker.connect();
    await worker.query(`set bqx.test_job_delay = '30'`);
    const call = worker.query(`call bqx.work(worker => 'victim')`).catch((e: Error) => e);
    const job = await waitFor(() => runningJob(db));
    const t = await db.query(`select pg_terminate_backend($1) as ok`, [job.pid]);
    expect(t.rows[0].ok).toBe(true);
    expect(await call).toBeInstanceOf(Error);
    await worker.end().catch(() => {});

    // nothing half-written, and the job shows as abandoned
    const leaf = await db.query(`select to_regclass('bqx.bqx_eurusd_2024_07') as r`);
    expect(leaf.rows[0].r).toBeNull();
    await waitFor(async () => ((await runningJob(db)) === undefined ? true : undefined));

    const r = await db.query(`call bqx.work(worker => 'rescuer')`);
    expect(r.rows[0].jobs_done).toBe(1);
    const j = await db.query(`select status, attempts, worker, last_error from bqx.jobs where pair = 'EURUSD' and month = '2024-07'`);
    expect(j.rows[0]).toMatchObject({ status: 'done', attempts: 2 });
    expect(j.rows[0].worker).toMatch(/^rescuer pid /);
    expect(j.rows[0].last_error).toMatch(/attempt 1 abandoned: worker victim pid \d+ died/);
    await monthIsWhole(db, 'EURUSD', '2024-07');
  });

  it('a Node worker process SIGKILLed mid-job: the job is re-run and the month is whole', async () => {
    await db.query(`select bqx.enqueue(array['EURUSD'], '2024-08', '2024-08')`);
    const script = `
      import { runBackfill } from './scripts/backfill/run.ts';
      await runBackfill(process.env.URL, { pairs: ['EURUSD'], from: '2024-08', to: '2024-08', workers: 1,
        workerName: 'doomed', workerSettings: { 'bqx.test_job_delay': '30' } });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(), env: { ...process.env, URL: db.url }, stdio: 'ignore',
    });
    const exited = new Promise((r) => child.on('exit', r));
    await waitFor(async () => {
      const j = await runningJob(db);
      return j && j.month === '2024-08' ? j : undefined;
    });
    child.kill('SIGKILL');
    await exited;
    // the worker's backend notices its client is gone (client_connection_check_interval),
    // rolls back and releases the job
    await waitFor(async () => ((await runningJob(db)) === undefined ? true : undefined), 15_000);
    const r = await db.query(`call bqx.work(worker => 'rescuer')`);
    expect(r.rows[0].jobs_done).toBe(1);
    const j = await db.query(`select status, attempts, last_error from bqx.jobs where pair = 'EURUSD' and month = '2024-08'`);
    expect(j.rows[0]).toMatchObject({ status: 'done', attempts: 2 });
    expect(j.rows[0].last_error).toMatch(/worker doomed-1 pid \d+ died/);
    await monthIsWhole(db, 'EURUSD', '2024-08');
  }, 120_000);
});
