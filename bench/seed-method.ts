// The seed's own method on this machine, the honest yardstick for bqx's full workload:
// one statement per pair-month (bench/seed-method-sql.ts) on 6 connections, as the
// seed's Python script ran 6 threads. Its per-pair-month tables are created (empty,
// with their primary key, as the seed's partitions existed) before the clock starts and
// dropped after it stops.
//
// It is slow (the window frames cost O(W) per bar and aggregate), so by default it runs
// on at most SEED_METHOD_DEFAULT_JOBS pair-months spread evenly over the workload (every
// k-th in queue order, so every month and most pairs are in it); compare rates, not
// times. BQX_BENCH_SEED_METHOD_JOBS = N or 'all' changes that.
import pg from 'pg';
import { onConnections, type PoolRun } from './pool.js';
import { quiesce } from './quiesce.js';
import { fmt, report } from './report.js';
import { seedMethodStatement, seedMethodTable } from './seed-method-sql.js';
import type { PairMonth, Workload } from './workload.js';

const SCHEMA = 'bench_seed_method';
export const SEED_METHOD_WORKERS = 6;
export const SEED_METHOD_DEFAULT_JOBS = 56;

/** The pair-months the yardstick runs on: all, or every k-th, and a label saying which. */
export function seedMethodSubset(all: readonly PairMonth[]): { pairMonths: PairMonth[]; label: string } {
  const v = process.env.BQX_BENCH_SEED_METHOD_JOBS?.trim() ?? '';
  let max = SEED_METHOD_DEFAULT_JOBS;
  if (v === 'all') max = all.length;
  else if (v !== '') {
    max = Number(v);
    if (!Number.isInteger(max) || max < 1) throw new Error(`BQX_BENCH_SEED_METHOD_JOBS must be a positive integer or 'all', got ${JSON.stringify(v)}`);
  }
  if (max >= all.length) return { pairMonths: [...all], label: `all ${all.length} pair-months` };
  const k = Math.ceil(all.length / max);
  const pairMonths = all.filter((_, i) => i % k === 0);
  return { pairMonths, label: `${pairMonths.length} of the ${all.length} pair-months (one in ${k}; BQX_BENCH_SEED_METHOD_JOBS=all runs every one)` };
}

export async function benchSeedMethod(url: string, pairMonths: readonly PairMonth[], workers = SEED_METHOD_WORKERS): Promise<PoolRun & { rowsPerSec: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`drop schema if exists ${SCHEMA} cascade`);
    await c.query(`create schema ${SCHEMA}`);
    for (const pm of pairMonths) await c.query(seedMethodTable(`${SCHEMA}.${pm.leaf}`));
    await quiesce(c);
    const run = await onConnections(url, workers, pairMonths, async (w, pm) =>
      (await w.query(seedMethodStatement(`${SCHEMA}.${pm.leaf}`), [pm.pair, pm.start, pm.end])).rowCount ?? 0,
    'bqx bench seed method');
    await c.query(`drop schema ${SCHEMA} cascade`);
    return { ...run, rowsPerSec: run.rows / run.seconds };
  } finally {
    await c.end();
  }
}

export type SeedMethodResult = PoolRun & { rowsPerSec: number; label: string };

/**
 * The yardstick's pair-months in two halves (alternate ones, so each half spans every
 * month), for measuring one half just before the run it is compared with and the other
 * just after: this machine's speed drifts by 15-30% over minutes, and a yardstick measured
 * minutes away from the run moved the ratio as much as any change to bqx did.
 */
export function seedMethodHalves(w: Workload): { halves: [PairMonth[], PairMonth[]]; label: string } {
  const subset = seedMethodSubset(w.pairMonths);
  return { halves: [subset.pairMonths.filter((_, i) => i % 2 === 0), subset.pairMonths.filter((_, i) => i % 2 === 1)], label: subset.label };
}

/** Two runs of the yardstick as one: their rows over their summed time. */
export function combineSeedMethod(parts: readonly (PoolRun & { rowsPerSec: number })[], label: string): SeedMethodResult {
  const rows = parts.reduce((a, p) => a + p.rows, 0);
  const seconds = parts.reduce((a, p) => a + p.seconds, 0);
  return { rows, seconds, jobs: parts.reduce((a, p) => a + p.jobs, 0), rowsPerSec: rows / seconds, label };
}

/** The yardstick on the workload's subset (seedMethodSubset). */
export async function runSeedMethod(url: string, w: Workload): Promise<SeedMethodResult> {
  const subset = seedMethodSubset(w.pairMonths);
  return { ...(await benchSeedMethod(url, subset.pairMonths)), label: subset.label };
}

export function reportSeedMethod(r: SeedMethodResult): void {
  report(`the seed's method on this machine: window functions per pair-month, INSERT ... ON CONFLICT DO UPDATE, ${SEED_METHOD_WORKERS} workers, on ${r.label} (${fmt(r.rows)} rows)`,
    `${fmt(r.seconds, 1)} s = ${fmt(r.rowsPerSec)} rows/s`);
}
