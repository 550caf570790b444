// Seeded random series for kernel and SQL-engine tests. Everything is deterministic
// from the seed, so a failing case can be replayed.

/** Rate values as they can arrive from SQL: numbers, or null for a NULL rate. */
export type RateValue = number | null;

/** mulberry32: a tiny, fast, good-enough seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [lo, hi]. */
export function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export interface WalkOptions {
  /** Number of bars. */
  n: number;
  /** Starting rate. */
  start: number;
  /** Price increment: every step moves by an integer number of ticks and rates are rounded to it. */
  tick: number;
  /** Largest move per bar, in ticks (uniform in -maxTicks..maxTicks). Default 3. */
  maxTicks?: number;
  /** Probability that a bar starts a flat run (rate unchanged for runLength bars). Default 0. */
  flatRunProbability?: number;
  /** Flat run length range [min, max] in bars. Default [20, 400]. */
  flatRunLength?: readonly [number, number];
  /** Probability of a gap jump of `jumpSize` (relative, random sign) at a bar. Default 0. */
  jumpProbability?: number;
  /** Relative size of a jump. Default 0.01 (1 %). */
  jumpSize?: number;
}

/** A random walk on a tick grid, optionally with flat runs and jumps. Rates stay > 0. */
export function randomWalk(rng: () => number, o: WalkOptions): number[] {
  const maxTicks = o.maxTicks ?? 3;
  const flatP = o.flatRunProbability ?? 0;
  const [runMin, runMax] = o.flatRunLength ?? [20, 400];
  const jumpP = o.jumpProbability ?? 0;
  const jumpSize = o.jumpSize ?? 0.01;
  const decimals = Math.max(0, Math.round(-Math.log10(o.tick)));
  const round = (x: number) => Number(x.toFixed(decimals));
  const out: number[] = [];
  let x = round(o.start);
  let flatLeft = 0;
  for (let i = 0; i < o.n; i++) {
    if (flatLeft > 0) {
      flatLeft--;
    } else if (rng() < flatP) {
      flatLeft = randInt(rng, runMin, runMax) - 1;
    } else {
      let next = x + randInt(rng, -maxTicks, maxTicks) * o.tick;
      if (rng() < jumpP) next *= rng() < 0.5 ? 1 - jumpSize : 1 + jumpSize;
      next = round(next);
      if (next > o.tick) x = next;
    }
    out.push(x);
  }
  return out;
}

/** EUR-level (~1.1) walk on the 1e-5 tick grid, moves of 0..3 ticks (many repeats). */
export function eurSeries(seed: number, n: number): number[] {
  return randomWalk(mulberry32(seed), { n, start: 1.1, tick: 1e-5, maxTicks: 3 });
}

/** JPY-level (~150) walk on the 0.001 tick grid, moves of up to 5 ticks. */
export function jpySeries(seed: number, n: number): number[] {
  return randomWalk(mulberry32(seed), { n, start: 150, tick: 0.001, maxTicks: 5 });
}

/** Walk with frequent long flat runs (identical rates for 20..400 bars) and occasional 1 % jumps. */
export function flatRunSeries(seed: number, n: number, start = 150, tick = 0.001): number[] {
  return randomWalk(mulberry32(seed), {
    n,
    start,
    tick,
    maxTicks: 2,
    flatRunProbability: 0.05,
    flatRunLength: [20, 400],
    jumpProbability: 0.002,
    jumpSize: 0.01,
  });
}

/** Continuous (off-grid) walk with tiny relative steps of ~`sigma`. */
export function smoothSeries(seed: number, n: number, start = 1.1, sigma = 1e-6): number[] {
  const rng = mulberry32(seed);
  const out: number[] = [];
  let x = start;
  for (let i = 0; i < n; i++) {
    x *= 1 + sigma * (rng() + rng() + rng() - 1.5) * 2;
    out.push(x);
  }
  return out;
}

/** Every kind of bad rate: null, NaN, ±Infinity, 0, -0, negative. */
export const BAD_RATES: readonly RateValue[] = [null, NaN, Infinity, -Infinity, 0, -0, -1.1];

/** Copy of `rates` with each bar replaced by a random bad rate with probability p. */
export function sprinkleBadBars(rng: () => number, rates: readonly RateValue[], p: number): RateValue[] {
  return rates.map((x) => (rng() < p ? BAD_RATES[randInt(rng, 0, BAD_RATES.length - 1)] : x));
}

/** Copy of `rates` with runs of bad bars (length 1..maxRun) starting with probability p. */
export function sprinkleBadRuns(
  rng: () => number,
  rates: readonly RateValue[],
  p: number,
  maxRun = 100,
): RateValue[] {
  const out = rates.slice();
  for (let i = 0; i < out.length; i++) {
    if (rng() < p) {
      const len = randInt(rng, 1, maxRun);
      for (let j = i; j < Math.min(out.length, i + len); j++) {
        out[j] = BAD_RATES[randInt(rng, 0, BAD_RATES.length - 1)];
      }
      i += len;
    }
  }
  return out;
}

/** `count` very short histories of 0..maxLength bars (EUR or JPY level, some bad bars). */
export function shortHistories(seed: number, count: number, maxLength = 80): RateValue[][] {
  const rng = mulberry32(seed);
  const out: RateValue[][] = [];
  for (let c = 0; c < count; c++) {
    const n = randInt(rng, 0, maxLength);
    const base =
      rng() < 0.5
        ? randomWalk(rng, { n, start: 1.1, tick: 1e-5 })
        : randomWalk(rng, { n, start: 150, tick: 0.001, flatRunProbability: 0.1, flatRunLength: [5, 30] });
    out.push(rng() < 0.5 ? base : sprinkleBadBars(rng, base, 0.1));
  }
  return out;
}

/** UTC minute timestamps, one per bar, starting at `start` (skipping weekends is not needed). */
export function minuteTimestamps(n: number, start = Date.UTC(2024, 6, 1)): Date[] {
  const out: Date[] = [];
  for (let i = 0; i < n; i++) out.push(new Date(start + i * 60_000));
  return out;
}
