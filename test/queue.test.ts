// The backfill queue: enqueue, bqx.work with 6 concurrent Node workers vs one worker,
// retries and failures, argument errors.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { describeEachEngine, useEngine } from './support/engines.js';
import { runBackfill } from '../scripts/backfill/run.js';
import { loadWalkBars } from './support/queue.js';
import { openSession } from './support/sessions.js';

const PAIRS = ['EURUSD', 'GBPJPY', 'USDJPY'];

describeEachEngine('backfill queue', (engine) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await testDatabase(`queue_${engine}`);
    await useEngine(db, engine);
    await loadWalkBars(db, PAIRS, '2024-06-20', '2024-10-01');
  });
  afterAll(async () => { await db?.end(); });

  it("enqueue creates the pairs' partitions, so the first months of two pairs run side by side", async () => {
    const exists = async () => (await db.query(
      `select array_agg(to_regclass('bqx.bqx_' || lower(p)) is not null order by p) as e from unnest($1::text[]) p`, [PAIRS])).rows[0].e;
    expect(await exists()).toEqual([false, false, false]);
    expect((await db.query(`select bqx.enqueue($1::text[], '2024-07', '2024-07') as n`, [PAIRS])).rows[0].n).toBe(3);
    expect(await exists()).toEqual([true, true, true]);
    // a first month no longer attaches its pair's partition to bqx.bqx, whose lock it would
    // hold to COMMIT: the other pairs' first months would queue behind it
    const a = await openSession(db.url);
    const b = await openSession(db.url);
    try {
      await a.query('begin');
      await a.query(`call bqx.backfill('EURUSD', '2024-07')`);
      await b.query(`set lock_timeout = '3s'`);
      const r = await b.query(`call bqx.backfill('GBPJPY', '2024-07')`);
      expect(Number(r.rows[0].rows_written)).toBeGreaterThan(0);
      await a.query('rollback');
    } finally {
      await a.end();
      await b.end();
    }
    await db.query(`delete from bqx.jobs`);
  });

  it('enqueues idempotently and validates its arguments', async () => {
    const one = await db.query(`select bqx.enqueue(array['eurusd'], '2024-07', '2024-09') as n`);
    expect(one.rows[0].n).toBe(3);
    const again = await db.query(`select bqx.enqueue(array['EURUSD'], '2024-07', '2024-09') as n`);
    expect(again.rows[0].n).toBe(0);
    const all = await db.query(`select bqx.enqueue(null, '2024-07', '2024-07') as n`);
    expect(all.rows[0].n).toBe(27); // 28 pairs, EURUSD 2024-07 already queued
    await expect(db.query(`select bqx.enqueue(array['XXXYYY'], '2024-07', '2024-07')`)).rejects.toMatchObject({ code: '22023' });
    await expect(db.query(`select bqx.enqueue(null, '2024-13', '2024-07')`)).rejects.toMatchObject({ code: '22008' });
    await expect(db.query(`select bqx.enqueue(null, '24-07', '2024-07')`)).rejects.toMatchObject({ code: '22007' });
    await expect(db.query(`select bqx.enqueue(null, '2024-09', '2024-07')`)).rejects.toMatchObject({ code: '22023' });
    await expect(db.query(`select bqx.enqueue(null, null, '2024-07')`)).rejects.toMatchObject({ code: '22004' });
    await db.query(`delete from bqx.jobs`);
  });

  it('6 concurrent workers run every job once and equal a single-worker run', async () => {
    const r6 = await runBackfill(db.url, { pairs: PAIRS, from: '2024-07', to: '2024-09', workers: 6, pollMs: 100 });
    expect(r6.done).toBe(9);
    expect(r6.failed).toBe(0);
    const jobs = await db.query(`select pair, month, status, attempts, rows_written, worker from bqx.jobs order by pair, month`);
    expect(jobs.rows).toHaveLength(9);
    for (const j of jobs.rows) {
      expect(j.status).toBe('done');
      expect(j.attempts).toBe(1);
    }
    expect(new Set(jobs.rows.map((j) => String(j.worker).split(' ')[0])).size).toBeGreaterThan(1);
    const counts = await db.query(
      `select (select count(*) from bqx.bqx)::int as stored,
              (select count(*) from (select distinct pair, ts_utc from bqx.bqx) d)::int as distinct_rows,
              (select count(*) from bqx.m1 where pair = any($1) and ts_utc >= '2024-07-01' and ts_utc < '2024-10-01')::int as source,
              (select sum(rows_written) from bqx.jobs)::int as written`, [PAIRS]);
    expect(counts.rows[0].stored).toBe(counts.rows[0].source);
    expect(counts.rows[0].distinct_rows).toBe(counts.rows[0].stored);
    expect(counts.rows[0].written).toBe(counts.rows[0].stored);

    await db.query(`create table public.parallel_copy as select * from bqx.bqx`);
    const r1 = await runBackfill(db.url, { pairs: PAIRS, from: '2024-07', to: '2024-09', workers: 1, force: true });
    expect(r1.enqueued).toBe(9);
    expect(r1.done).toBe(9);
    const diff = await db.query(
      `select count(*)::int as n from ((table public.parallel_copy except all select * from bqx.bqx)
                                       union all (select * from bqx.bqx except all table public.parallel_copy)) d`);
    expect(diff.rows[0].n).toBe(0);
  });

  it('retries a failing job, marks it failed with its error, and finishes the others', async () => {
    await db.query(`select bqx.enqueue(array['AUDCAD', 'EURUSD'], '2024-10', '2024-10')`);
    await loadWalkBars(db, ['EURUSD'], '2024-10-01', '2024-11-01');
    const r = await runBackfill(db.url, { pairs: ['AUDCAD', 'EURUSD'], from: '2024-10', to: '2024-10', workers: 2 });
    expect(r.failed).toBe(1);
    const j = await db.query(`select pair, status, attempts, last_sqlstate, last_error from bqx.jobs where month = '2024-10' order by pair`);
    expect(j.rows[0]).toMatchObject({ pair: 'AUDCAD', status: 'failed', attempts: 3, last_sqlstate: 'P0002' });
    expect(j.rows[0].last_error).toMatch(/no source bars for AUDCAD in 2024-10/);
    expect(j.rows[1]).toMatchObject({ pair: 'EURUSD', status: 'done', attempts: 1 });
    const f = await db.query(`select * from bqx.failed_jobs`);
    expect(f.rows.map((x) => x.pair)).toEqual(['AUDCAD']);
    // re-enqueueing resets a failed job (its cause may be fixed)
    const n = await db.query(`select bqx.enqueue(array['AUDCAD'], '2024-10', '2024-10') as n`);
    expect(n.rows[0].n).toBe(1);
    await db.query(`delete from bqx.jobs where pair = 'AUDCAD'`);
  });

  it('reports progress in SQL', async () => {
    const p = await db.query(`select * from bqx.progress`);
    expect(p.rows[0]).toMatchObject({ jobs_total: 10, jobs_done: 10, jobs_pending: 0, jobs_failed: 0 });
    expect(Number(p.rows[0].rows_per_sec)).toBeGreaterThan(0);
    const byPair = await db.query(`select pair, months_done, months_total, pct, status from bqx.progress_by_pair order by pair`);
    expect(byPair.rows[0]).toMatchObject({ pair: 'EURUSD', months_done: 4, months_total: 4, status: 'done' });
    const recent = await db.query(`select * from bqx.recent_jobs limit 3`);
    expect(recent.rows).toHaveLength(3);
    expect(recent.rows[0].worker).toMatch(/^node-\d+ pid \d+$/);
  });

  it('CALL bqx.work() with no arguments drains the queue and reports how many jobs it ran', async () => {
    await db.query(`select bqx.enqueue(array['GBPJPY'], '2024-07', '2024-08', true)`);
    const r = await db.query(`call bqx.work()`);
    expect(r.rows[0].jobs_done).toBe(2);
    const r2 = await db.query(`call bqx.work(max_jobs => 5)`);
    expect(r2.rows[0].jobs_done).toBe(0);
    await expect(db.query(`call bqx.work(max_jobs => -1)`)).rejects.toMatchObject({ code: '22023' });
  });
});
