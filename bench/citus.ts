// npm run bench -- citus: the same workload (bench/workload.ts, shrink it with
// BQX_BENCH_PAIRS / BQX_BENCH_MONTHS) backfilled through the queue with 2 Node workers on
// one node and on a local 3-node Citus cluster (coordinator + 2 workers, started here
// from the host's binaries in a temporary folder and stopped afterwards). One node = a
// database without the citus extension on the coordinator's own server, so both runs
// have the same settings and binaries.
//
// Coordinator overhead per job: a job's duration as the coordinator records it (bqx.jobs,
// from the claim to the done mark) minus the time the worker spent in the delegated
// bqx_internal.shard_write_month (pg_stat_user_functions on the workers, track_functions).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { citusMissing, startCitus, stopCitus } from '../scripts/lib/citus-cluster.js';
import type pg from 'pg';
import { withClient } from '../scripts/lib/client.js';

/** Runs fn on a connection to url (closed afterwards). */
const run = <T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => withClient(url, 'bqx bench citus', fn);
import { withDatabase } from '../scripts/lib/connection.js';
import { migrate } from '../scripts/lib/migrate.js';
import { benchFullWorkload, type FullWorkloadResult } from './backfill.js';
import { fmt, report } from './report.js';
import { resolveWorkload, seedWorkload } from './workload.js';

export interface CitusBench {
  label: string;
  engine: string;
  single: FullWorkloadResult;
  cluster: FullWorkloadResult;
  /** seconds: sum of job durations on the coordinator, and of shard_write_month on the workers */
  jobSeconds: number;
  workerSeconds: number;
  /** rows per second of one worker while it computes and writes (rows / its time in shard_write_month) */
  perNodeRowsPerSec: number;
}

export async function benchCitus(): Promise<CitusBench | undefined> {
  const missing = citusMissing();
  if (missing) {
    console.log(`citus: skipped: Citus is not available (${missing}); bash ../shared/citus/build.sh installs it`);
    return undefined;
  }
  const home = mkdtempSync(join(tmpdir(), 'bqx-bench-citus-'));
  try {
    const cluster = await startCitus(2, { home });
    const coord = cluster.coordinator.url;
    // one node: a plain database on the coordinator's server
    const singleUrl = withDatabase(coord, 'bqx_bench_single');
    // the cluster first: the roles bqx creates must be made where Citus sends them to the workers
    await migrate(coord);
    await run(withDatabase(coord, 'postgres'), (c) => c.query('create database bqx_bench_single'));
    await migrate(singleUrl);
    const w = await resolveWorkload(singleUrl);
    await seedWorkload(singleUrl, w);
    await seedWorkload(coord, w);
    const engine = (await run(coord, (c) => c.query(`select bqx_internal.current_engine() as e`))).rows[0].e as string;
    console.log(`citus: ${w.label} = ${fmt(w.pairMonths.length)} pair-months, engine ${engine}, 2 Node workers`);

    for (const node of cluster.workers) {
      await run(node.url, async (c) => {
        await c.query(`alter system set track_functions = 'pl'`);
        await c.query('select pg_reload_conf()');
      });
    }
    const single = await benchFullWorkload(singleUrl, w, engine);
    const clustered = await benchFullWorkload(coord, w, engine);

    const jobSeconds = (await run(coord, (c) => c.query(
      `select extract(epoch from sum(duration))::float8 as s from bqx.jobs where status = 'done'`))).rows[0].s as number;
    let workerSeconds = 0;
    for (const node of cluster.workers) {
      workerSeconds += await run(node.url, async (c) => {
        // the coordinator's cached connections hold their function statistics until they end
        await c.query(`select pg_terminate_backend(pid::int) from pg_stat_activity
                        where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`);
        await new Promise((r) => setTimeout(r, 1500));
        const r = await c.query(`select coalesce(sum(total_time), 0)::float8 / 1000 as s from pg_stat_user_functions
                                  where schemaname = 'bqx_internal' and funcname = 'shard_write_month'`);
        return r.rows[0].s as number;
      });
    }
    return {
      label: w.label, engine, single, cluster: clustered, jobSeconds, workerSeconds,
      perNodeRowsPerSec: clustered.rows / workerSeconds,
    };
  } finally {
    await stopCitus({ home });
    rmSync(home, { recursive: true, force: true });
  }
}

export function reportCitus(b: CitusBench): void {
  const jobs = b.cluster.jobs;
  const overheadMs = ((b.jobSeconds - b.workerSeconds) / jobs) * 1000;
  report(`citus: one node, ${b.label}, engine ${b.engine}, 2 Node workers`,
    `${fmt(b.single.rows)} rows in ${fmt(b.single.seconds, 1)} s = ${fmt(b.single.rowsPerSec)} rows/s`);
  report('citus: the same on coordinator + 2 workers (one 2-core box: no speed-up possible)',
    `${fmt(b.cluster.rows)} rows in ${fmt(b.cluster.seconds, 1)} s = ${fmt(b.cluster.rowsPerSec)} rows/s = ${fmt(b.cluster.rowsPerSec / b.single.rowsPerSec, 2)} x one node`);
  report('citus: per worker while computing and writing (rows / time in shard_write_month)', `${fmt(b.perNodeRowsPerSec)} rows/s`);
  report('citus: coordinator overhead per job (job duration - time on the worker)',
    `${fmt(overheadMs, 1)} ms of ${fmt((b.jobSeconds / jobs) * 1000, 1)} ms per job (${fmt((100 * (b.jobSeconds - b.workerSeconds)) / b.jobSeconds, 1)}%)`);
}
