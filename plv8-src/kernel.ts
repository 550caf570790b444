// The BQX kernel: the single reference implementation of the formulas of
// BQX-SPEC.md section 2, O(n) per window.
//
// For a good bar t (position p among the good bars) and a window W, the W good bars
// before it are g[p-W .. p-1]; d_i = (r_{t-i} - r_t) / r_t. Per window:
//   max/min   monotonic deques give max/min rate of the window; x -> (x - r)/r is
//             monotonic in floating point too, so max d = (max rate - r)/r is bit-for-bit
//             the max over the d_i.
//   endpoint  (g[p-W] - r)/r, as the direct formula.
//   return    Σ(r_{t-i} - r_t)/r_t = (Σ(x - c) - W(r - c)) / r, the sums centred on
//             c = r_{t-1}, the bar before t (sums.ts); avg = return / W.
//   stdev     sample stdev of the d_i = stdev of the rates / r, the variance from the
//             centred sums: (Σ(x-c)² - (Σ(x-c))²/W) / (W-1), clamped at 0.
// Every value of a bar is a function of its own window's rates only (the sums are taken
// afresh for each bar, nested: the 75 bars before t hold the 15, 30, 45 and 60 before
// it), never of where the input began: a month computed alone, a year at once, or the
// few bars a live insert recomputes give the same bits.
// A window whose max equals its min is flat: stdev is exactly 0, return exactly
// W·d (0 when r equals the window's rate), avg = d.
//
// NULL is NaN inside the kernel: a column value is NaN exactly when the SQL value is
// NULL (fewer than W good bars before the bar; aggregates: fewer than 75). Defined
// values are always finite. Whoever hands values to SQL maps NaN to null
// (plv8-entry.ts does); NaN never reaches SQL as a value.

import { computeAggregates } from './aggregates.js';
import { centredWindowSums, type WindowSums } from './sums.js';
import { MonotonicDeque } from './deque.js';
import {
  FEATURE_COLUMNS,
  WINDOWS,
  isGoodRate,
  windowColumn,
  type FeatureColumn,
  type Window,
} from './spec.js';

/** One pair's rates in time order; bad entries (null, NaN, ±Infinity, <= 0) are allowed. */
export type RateInput = ArrayLike<number | null | undefined>;

/** Column-major output of computeFeatures: row k describes input bar `index[k]`. */
export interface FeatureResult {
  /** Number of output rows. */
  readonly length: number;
  /** Input index of each output row, ascending: the good bars at index >= firstWanted. */
  readonly index: Int32Array;
  /** One column per feature (length `length`); NaN means SQL NULL, any other value is finite. */
  readonly columns: Readonly<Record<FeatureColumn, Float64Array>>;
  /** Bad bars at input index >= firstWanted (they get no row and are reported). */
  readonly badBars: number;
  /**
   * Only with `withPositions`: per window, for each row the input index of the rate that
   * gave w{W}_bqx_max (`hi`) and w{W}_bqx_min (`lo`); -1 where the window is undefined.
   * Max and min are (rate[pos] - r) / r of the row's own rate r, so a caller holding the
   * rates can rebuild them bit for bit from these small integers (the PLV8 engine does,
   * in SQL).
   */
  readonly positions?: Readonly<Record<Window, WindowPositions>>;
}

/** Input indices behind one window's max and min (see FeatureResult.positions). */
export interface WindowPositions {
  readonly hi: Int32Array;
  readonly lo: Int32Array;
}

/**
 * Computes the 37 feature columns for the good bars at input index >= firstWanted.
 * Bars before firstWanted are lookback only. The caller supplies the lookback: a window
 * W is defined for a bar when at least W good bars precede it in `rates`, so pass at
 * least MAX_LOOKBACK good bars before firstWanted unless the series starts at the
 * pair's first bar.
 */
export function computeFeatures(rates: RateInput, firstWanted = 0, withPositions = false): FeatureResult {
  const n = rates.length;
  if (!Number.isInteger(firstWanted) || firstWanted < 0 || firstWanted > n) {
    throw new RangeError(`firstWanted must be an integer in 0..${n}, got ${String(firstWanted)}`);
  }

  // Compact the good bars; p0 = good bars before firstWanted.
  const good = new Float64Array(n);
  const goodIndex = new Int32Array(n);
  let m = 0;
  let p0 = 0;
  for (let i = 0; i < n; i++) {
    const x = rates[i];
    if (isGoodRate(x)) {
      good[m] = x;
      goodIndex[m] = i;
      m++;
    }
    if (i === firstWanted - 1) p0 = m;
  }
  const length = m - p0;
  const badBars = n - firstWanted - length;

  const columns = {} as Record<FeatureColumn, Float64Array>;
  for (const name of FEATURE_COLUMNS) columns[name] = new Float64Array(length);
  const positions = withPositions ? ({} as Record<Window, WindowPositions>) : undefined;

  const sums = centredWindowSums(good, m, p0);
  for (const w of WINDOWS) {
    let where: WindowWhere | undefined;
    if (positions) {
      const at = { hi: new Int32Array(length), lo: new Int32Array(length) };
      positions[w] = at;
      where = { ...at, goodIndex };
    }
    rollWindow(good, m, p0, w, sums[w], where, {
      ret: columns[windowColumn(w, 'return')],
      max: columns[windowColumn(w, 'max')],
      min: columns[windowColumn(w, 'min')],
      avg: columns[windowColumn(w, 'avg')],
      stdev: columns[windowColumn(w, 'stdev')],
      endpoint: columns[windowColumn(w, 'endpoint')],
    });
  }

  computeAggregates(
    {
      avg: WINDOWS.map((w) => columns[windowColumn(w, 'avg')]),
      endpoint: WINDOWS.map((w) => columns[windowColumn(w, 'endpoint')]),
      stdev: WINDOWS.map((w) => columns[windowColumn(w, 'stdev')]),
      ret: WINDOWS.map((w) => columns[windowColumn(w, 'return')]),
      max75: columns.w75_bqx_max,
      min75: columns.w75_bqx_min,
      avgMean: columns.agg_avg_mean,
      avgStdev: columns.agg_avg_stdev,
      avgSlope: columns.agg_avg_slope,
      range: columns.agg_range,
      endpointMean: columns.agg_endpoint_mean,
      stdevMean: columns.agg_stdev_mean,
      signBalance: columns.agg_sign_balance,
    },
    length,
  );

  return { length, index: goodIndex.slice(p0, m), columns, badBars, positions };
}

/** Where rollWindow records the input indices of max and min (goodIndex maps good bar -> input). */
interface WindowWhere extends WindowPositions {
  readonly goodIndex: Int32Array;
}

interface WindowOutput {
  readonly ret: Float64Array;
  readonly max: Float64Array;
  readonly min: Float64Array;
  readonly avg: Float64Array;
  readonly stdev: Float64Array;
  readonly endpoint: Float64Array;
}

/** Fills the six columns of window w for positions p0..m-1 of the good bars g (row k = p - p0). */
function rollWindow(g: Float64Array, m: number, p0: number, w: Window, sums: WindowSums, where: WindowWhere | undefined, out: WindowOutput): void {
  const firstDefined = Math.max(p0, w);
  for (let p = p0; p < Math.min(firstDefined, m); p++) {
    const k = p - p0;
    if (where) {
      where.hi[k] = -1;
      where.lo[k] = -1;
    }
    out.ret[k] = NaN;
    out.max[k] = NaN;
    out.min[k] = NaN;
    out.avg[k] = NaN;
    out.stdev[k] = NaN;
    out.endpoint[k] = NaN;
  }
  if (firstDefined >= m) return;

  const hiQ = new MonotonicDeque(w, 'max');
  const loQ = new MonotonicDeque(w, 'min');
  for (let i = firstDefined - w; i < firstDefined; i++) {
    hiQ.push(i, g);
    loQ.push(i, g);
  }

  for (let p = firstDefined; p < m; p++) {
    if (p > firstDefined) {
      // Slide the window from [p-1-w, p-1) to [p-w, p).
      hiQ.push(p - 1, g);
      loQ.push(p - 1, g);
      hiQ.evictBefore(p - w);
      loQ.evictBefore(p - w);
    }
    const k = p - p0;
    const r = g[p];
    const hiAt = hiQ.front();
    const loAt = loQ.front();
    const hi = g[hiAt];
    const lo = g[loAt];
    if (where) {
      where.hi[k] = where.goodIndex[hiAt];
      where.lo[k] = where.goodIndex[loAt];
    }
    const dMax = (hi - r) / r;
    out.max[k] = dMax;
    out.min[k] = (lo - r) / r;
    out.endpoint[k] = (g[p - w] - r) / r;
    if (hi === lo) {
      // Flat window: every d_i equals dMax.
      out.ret[k] = w * dMax;
      out.avg[k] = dMax;
      out.stdev[k] = 0;
    } else {
      const s = sums.s[k];
      const ret = (s - w * (r - g[p - 1])) / r + 0;
      out.ret[k] = ret;
      out.avg[k] = ret / w;
      const variance = (sums.q[k] - (s * s) / w) / (w - 1);
      out.stdev[k] = variance > 0 ? Math.sqrt(variance) / r : 0;
    }
  }
}
