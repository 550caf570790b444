// The full workload: 28 pairs x 12 months of seeded bars, backfilled end to end by the
// queue with N Node workers (enqueue + CALL bqx.work on N connections), timed from the
// enqueue to the last commit. Seeding is not timed.
import { runBackfill } from '../scripts/backfill/run.js';
import { seedBars } from '../scripts/seed/index.js';

export interface FullWorkloadOptions {
  /** pairs to seed and backfill; default all 28 */
  pairs?: string[] | 'all';
  /** months, default 2024-07 .. 2025-06 */
  months?: { from: string; to: string };
  workers?: number;
  log?: (line: string) => void;
}

export interface FullWorkloadResult { rows: number; seconds: number; rowsPerSec: number; jobs: number; failed: number }

export async function benchFullWorkload(connectionString: string, opts: FullWorkloadOptions = {}): Promise<FullWorkloadResult> {
  const pairs = opts.pairs ?? 'all';
  const { from, to } = opts.months ?? { from: '2024-07', to: '2025-06' };
  const log = opts.log ?? (() => {});
  const seeded = await seedBars(connectionString, { pairs, from, to });
  log(`seeded ${seeded.bars.toLocaleString('en-US')} bars in ${seeded.seconds.toFixed(1)} s`);
  const t0 = performance.now();
  const r = await runBackfill(connectionString, {
    pairs: pairs === 'all' ? null : pairs, from, to, workers: opts.workers ?? 2, pollMs: 2000,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.failed > 0) throw new Error(`benchFullWorkload: ${r.failed} jobs failed (SELECT * FROM bqx.failed_jobs)`);
  return { rows: r.rows, seconds, rowsPerSec: r.rows / seconds, jobs: r.done, failed: r.failed };
}
