// The numbers of the contract (BQX-SPEC.md sections 2 and 3), in one place.
// Everything else (kernel, PLV8 bundle, SQL engines, tests) takes its column
// names and window sizes from here.

/** Window sizes W, in bars, in the spec's order. */
export const WINDOWS = [15, 30, 45, 60, 75] as const;
export type Window = (typeof WINDOWS)[number];

/** The six per-window metrics, in column order. */
export const METRICS = ['return', 'max', 'min', 'avg', 'stdev', 'endpoint'] as const;
export type Metric = (typeof METRICS)[number];

/** The seven aggregates over the five windows, in column order. */
export const AGGREGATE_COLUMNS = [
  'agg_avg_mean',
  'agg_avg_stdev',
  'agg_avg_slope',
  'agg_range',
  'agg_endpoint_mean',
  'agg_stdev_mean',
  'agg_sign_balance',
] as const;
export type AggregateColumn = (typeof AGGREGATE_COLUMNS)[number];

export type WindowColumn = `w${Window}_bqx_${Metric}`;
export type FeatureColumn = WindowColumn | AggregateColumn;

/** Name of the column holding metric `m` of window `w`. */
export function windowColumn(w: Window, m: Metric): WindowColumn {
  return `w${w}_bqx_${m}`;
}

/** The 30 window columns: w15_bqx_return, w15_bqx_max, ..., w75_bqx_endpoint. */
export const WINDOW_COLUMNS: readonly WindowColumn[] = WINDOWS.flatMap((w) =>
  METRICS.map((m) => windowColumn(w, m)),
);

/** The 37 feature columns (30 window columns then 7 aggregates), in the spec's order. */
export const FEATURE_COLUMNS: readonly FeatureColumn[] = [...WINDOW_COLUMNS, ...AGGREGATE_COLUMNS];

export const CORE_COLUMNS = ['pair', 'ts_utc', 'rate'] as const;
export type CoreColumn = (typeof CORE_COLUMNS)[number];
export type BqxColumn = CoreColumn | FeatureColumn;

/** All 40 columns of bqx.bqx, in table order. */
export const BQX_COLUMNS: readonly BqxColumn[] = [...CORE_COLUMNS, ...FEATURE_COLUMNS];

/** Largest window: a bar needs this many good bars before it to get every column. */
export const MAX_LOOKBACK = 75;

/** |w{W}_bqx_return| <= SIGN_EPSILON counts as 0 in agg_sign_balance. */
export const SIGN_EPSILON = 1e-12;

/** Contract tolerance: |a - b| <= ABS_TOL + REL_TOL * |b| against the direct two-pass formula. */
export const ABS_TOL = 1e-12;
export const REL_TOL = 1e-9;

/** The range of a good rate, [MIN_GOOD_RATE, MAX_GOOD_RATE]: outside it the windows overflow double precision. */
export const MIN_GOOD_RATE = 1e-9;
export const MAX_GOOD_RATE = 1e9;

/**
 * A good bar has a finite rate in [MIN_GOOD_RATE, MAX_GOOD_RATE]. null, undefined, NaN,
 * ±Infinity, 0, negatives and rates outside the range are bad bars: skipped by every
 * window, counted, and given no output row. SQL: bqx_internal.good_rate().
 */
export function isGoodRate(x: unknown): x is number {
  return typeof x === 'number' && x >= MIN_GOOD_RATE && x <= MAX_GOOD_RATE;
}
