// Timing helpers shared by the bench parts: wall time of one call, and the median and
// range of repeated runs (these machines are noisy: every part prints both).

/** Seconds taken by fn. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Spread { median: number; min: number; max: number; runs: number }

export function spread(xs: number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length };
}

/** Runs of a part: BQX_BENCH_RUNS (a positive integer) or the given default. */
export function benchRuns(fallback: number): number {
  const v = process.env.BQX_BENCH_RUNS;
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BQX_BENCH_RUNS must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}
