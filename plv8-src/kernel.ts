// The BQX kernel: the single reference implementation of the formulas of
// BQX-SPEC.md section 2, O(n) per window.
//
// For a good bar t (position p among the good bars) and a window W, the W good bars
// before it are g[p-W .. p-1]; d_i = (r_{t-i} - r_t) / r_t. Per window:
//   max/min   monotonic deques give max/min rate of the window; x -> (x - r)/r is
//             monotonic in floating point too, so max d = (max rate - r)/r is bit-for-bit
//             the max over the d_i.
//   endpoint  (g[p-W] - r)/r, as the direct formula.
//   return    Σ(r_{t-i} - r_t)/r_t = (Σ(x - c) - W(r - c)) / r with centred windowed sums
//             (rolling.ts); avg = return / W.
//   stdev     sample stdev of the d_i = stdev of the rates / r, the variance from the
//             centred sums: (Σ(x-c)² - (Σ(x-c))²/W) / (W-1), clamped at 0.
// A window whose max equals its min is flat: stdev is exactly 0, return exactly
// W·d (0 when r equals the window's rate), avg = d.
//
// NULL is NaN inside the kernel: a column value is NaN exactly when the SQL value is
// NULL (fewer than W good bars before the bar; aggregates: fewer than 75). Defined
// values are always finite. Whoever hands values to SQL maps NaN to null
// (plv8-entry.ts does); NaN never reaches SQL as a value.

import { computeAggregates } from './aggregates.js';
import { CentredWindowSums } from './rolling.js';
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
}

/**
 * Computes the 37 feature columns for the good bars at input index >= firstWanted.
 * Bars before firstWanted are lookback only. The caller supplies the lookback: a window
 * W is defined for a bar when at least W good bars precede it in `rates`, so pass at
 * least MAX_LOOKBACK good bars before firstWanted unless the series starts at the
 * pair's first bar.
 */
export function computeFeatures(rates: RateInput, firstWanted = 0): FeatureResult {
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

  for (const w of WINDOWS) {
    rollWindow(good, m, p0, w, {
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

  return { length, index: goodIndex.slice(p0, m), columns, badBars };
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
function rollWindow(g: Float64Array, m: number, p0: number, w: Window, out: WindowOutput): void {
  const firstDefined = Math.max(p0, w);
  for (let p = p0; p < Math.min(firstDefined, m); p++) {
    const k = p - p0;
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
  const sums = new CentredWindowSums();
  for (let i = firstDefined - w; i < firstDefined; i++) {
    hiQ.push(i, g);
    loQ.push(i, g);
  }
  sums.reanchor(g, firstDefined - w, firstDefined, g[firstDefined - 1]);
  let anchoredAt = firstDefined;

  for (let p = firstDefined; p < m; p++) {
    if (p > firstDefined) {
      // Slide the window from [p-1-w, p-1) to [p-w, p).
      hiQ.push(p - 1, g);
      loQ.push(p - 1, g);
      hiQ.evictBefore(p - w);
      loQ.evictBefore(p - w);
      if (p - anchoredAt >= w) {
        sums.reanchor(g, p - w, p, g[p - 1]);
        anchoredAt = p;
      } else {
        sums.add(g[p - 1]);
        sums.remove(g[p - 1 - w]);
      }
    }
    const k = p - p0;
    const r = g[p];
    const hi = g[hiQ.front()];
    const lo = g[loQ.front()];
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
      const s = sums.sum();
      const ret = (s - w * (r - sums.c)) / r + 0;
      out.ret[k] = ret;
      out.avg[k] = ret / w;
      const variance = (sums.sumSq() - (s * s) / w) / (w - 1);
      out.stdev[k] = variance > 0 ? Math.sqrt(variance) / r : 0;
    }
  }
}
