// The full workload: the seeded pair-months (28 pairs x 12 months unless shrunk, see
// bench/workload.ts) backfilled end to end by the queue with N Node workers (enqueue +
// CALL bqx.work on N connections), timed from the enqueue to the last commit, with one
// engine. Each engine starts from the same state: no job, no bqx.bqx partition of the
// workload's pairs (so every month is written fresh), no background work left (quiesce.ts).
import pg from 'pg';
import { runBackfill } from '../scripts/backfill/run.js';
import { setEngine } from './engine-setting.js';
import { quiesce } from './quiesce.js';
import type { Workload } from './workload.js';

export interface FullWorkloadResult { engine: string; rows: number; seconds: number; rowsPerSec: number; jobs: number }

export async function benchFullWorkload(url: string, w: Workload, engine: string, workers = 2): Promise<FullWorkloadResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`delete from bqx.jobs where pair = any($1::text[])`, [w.pairs]);
    for (const p of w.pairs) await c.query(`drop table if exists bqx.bqx_${p.toLowerCase()}`);
    await setEngine(c, engine);
    await quiesce(c);
    const t0 = performance.now();
    const r = await runBackfill(url, { pairs: w.pairs, from: w.from, to: w.to, workers, pollMs: 2000 });
    const seconds = (performance.now() - t0) / 1000;
    if (r.failed > 0) throw new Error(`benchFullWorkload (${engine}): ${r.failed} jobs failed (SELECT * FROM bqx.failed_jobs)`);
    const used = (await c.query(`select array_agg(distinct engine) as e from bqx.jobs where pair = any($1::text[])`, [w.pairs])).rows[0].e;
    if (used?.length !== 1 || used[0] !== engine) throw new Error(`benchFullWorkload: asked for engine ${engine}, the jobs record ${used}`);
    return { engine, rows: r.rows, seconds, rowsPerSec: r.rows / seconds, jobs: r.done };
  } finally {
    await setEngine(c, 'auto').catch(() => {});
    await c.end();
  }
}
