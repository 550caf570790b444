// runBackfill(): enqueue the pair-months, then drain the queue with N Node workers (each
// a connection calling CALL bqx.work(max_jobs => 1) in a loop, so progress is visible
// and a stop request takes effect between jobs) or with the pg_cron workers
// (bqx.schedule), while a monitor connection reads the progress views.
// The same SQL runs either way; a killed worker's job is re-run by the others.
import { setTimeout as delay } from 'node:timers/promises';
import { withClient } from '../lib/client.js';
import { INVALID_PARAMETER, UserError } from '../lib/user-error.js';
import { readSnapshot, type Snapshot } from './snapshot.js';

export interface BackfillOptions {
  /** pairs to backfill; null or undefined = every pair registered in bqx.pairs */
  pairs?: string[] | null;
  from: string;
  to: string;
  workers?: number;
  via?: 'node' | 'cron';
  force?: boolean;
  /** jobs per CALL bqx.work (node workers): 1 = stop requests act after every job */
  jobsPerCall?: number;
  /** called with each progress snapshot (every pollMs and when a worker finishes a job) */
  onProgress?: (s: Snapshot) => void;
  pollMs?: number;
  /** abort = stop claiming new jobs; running jobs finish (node) or the watch ends (cron) */
  signal?: AbortSignal;
  /** worker name prefix in bqx.jobs.worker (node-1, node-2, ...) */
  workerName?: string;
  /** extra session settings for the worker connections (tests) */
  workerSettings?: Record<string, string>;
}

export interface BackfillResult {
  enqueued: number;
  jobsRun: number;
  done: number;
  failed: number;
  pending: number;
  rows: number;
  seconds: number;
  rowsPerSec: number;
  stopped: boolean;
  final: Snapshot;
}

function checkOptions(o: BackfillOptions): { workers: number; via: 'node' | 'cron'; jobsPerCall: number } {
  const workers = o.workers ?? 6;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    throw new UserError(`workers must be an integer from 1 to 64, got ${String(o.workers)}`, INVALID_PARAMETER,
      'The seed used 6; on 2 cores, 2 to 4 workers are enough.');
  }
  const via = o.via ?? 'node';
  if (via !== 'node' && via !== 'cron') {
    throw new UserError(`via must be node or cron, got ${String(o.via)}`, INVALID_PARAMETER,
      'node: workers are connections of this process; cron: pg_cron jobs inside the database.');
  }
  const jobsPerCall = o.jobsPerCall ?? 1;
  if (!Number.isInteger(jobsPerCall) || jobsPerCall < 1) {
    throw new UserError(`jobsPerCall must be a positive integer, got ${String(o.jobsPerCall)}`);
  }
  return { workers, via, jobsPerCall };
}

/** Waits ms, or less when the signal aborts. */
const sleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }).catch(() => {});

export async function runBackfill(connectionString: string, opts: BackfillOptions): Promise<BackfillResult> {
  const { workers, via, jobsPerCall } = checkOptions(opts);
  const pollMs = opts.pollMs ?? 500;
  const prefix = opts.workerName ?? 'node';
  const started = Date.now();
  let jobsRun = 0;
  let stopped = false;
  return withClient(connectionString, 'bqx backfill monitor', async (monitor) => {
    const enqueued = Number((await monitor.query(`select bqx.enqueue($1::text[], $2, $3, $4) as n`,
      [opts.pairs ?? null, opts.from, opts.to, opts.force ?? false])).rows[0].n);
    const pairs = opts.pairs ? opts.pairs.map((p) => p.toUpperCase()) : null;
    const report = async () => {
      const s = await readSnapshot(monitor, pairs);
      opts.onProgress?.(s);
      return s;
    };
    await report();

    if (via === 'cron') {
      await monitor.query(`select bqx.schedule($1)`, [workers]);
      for (;;) {
        await sleep(pollMs, opts.signal);
        const s = await report();
        if (s.overall.jobsLeft === 0) break;
        if (opts.signal?.aborted) { stopped = true; break; }
      }
    } else {
      let failure: unknown;
      const worker = (i: number) => withClient(connectionString, `bqx backfill ${prefix}-${i}`, async (c) => {
        try {
          // if this process dies (SIGKILL), the backend notices within 2 s even in the
          // middle of a job, rolls it back and releases the job for the next worker
          await c.query(`select pg_catalog.set_config('client_connection_check_interval', '2000', false)`).catch(() => {});
          for (const [k, v] of Object.entries(opts.workerSettings ?? {})) {
            await c.query(`select pg_catalog.set_config($1, $2, false)`, [k, v]);
          }
          while (!opts.signal?.aborted && failure === undefined) {
            const r = await c.query(`call bqx.work(max_jobs => $1, worker => $2)`, [jobsPerCall, `${prefix}-${i}`]);
            const { jobs_done: done, jobs_failed: failed, drained } = r.rows[0];
            jobsRun += Number(done) + Number(failed);
            if (Number(done) + Number(failed) > 0) continue;
            // bqx.work says whether anything is left to claim (a job pending but locked by
            // another claimer a moment ago, retried, or abandoned by a dead worker)
            if (drained) break;
            await sleep(200, opts.signal);
          }
        } catch (e) {
          failure ??= e;
        }
      }).catch((e) => { failure ??= e; });
      const running = Promise.all(Array.from({ length: workers }, (_, i) => worker(i + 1)));
      let finished = false;
      void running.then(() => { finished = true; });
      while (!finished) {
        await Promise.race([running, sleep(pollMs)]);
        await report();
      }
      if (failure !== undefined) throw failure;
      stopped = opts.signal?.aborted ?? false;
    }

    const final = await report();
    const seconds = (Date.now() - started) / 1000;
    const rows = final.pairs.reduce((a, p) => a + p.rowsWritten, 0);
    return {
      enqueued,
      jobsRun,
      done: final.overall.jobsDone,
      failed: final.overall.jobsFailed,
      pending: final.overall.jobsLeft,
      rows,
      seconds,
      rowsPerSec: final.overall.rowsPerSec ?? rows / seconds,
      stopped,
      final,
    };
  });
}
