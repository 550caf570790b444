// A deliberately simple, direct two-pass O(n·W) implementation of docs/contract.md section 2:
// the oracle the kernel and the SQL engines are tested against. No cleverness: per bar
// and window it builds the d_i array, takes the mean, then Σ(d - mean)²/(W-1).

import {
  ABS_TOL,
  AGGREGATE_COLUMNS,
  FEATURE_COLUMNS,
  REL_TOL,
  SIGN_EPSILON,
  WINDOWS,
  isGoodRate,
  windowColumn,
  type FeatureColumn,
} from '../../plv8-src/spec.js';
import type { FeatureResult } from '../../plv8-src/kernel.js';

/** One output row's features; null is SQL NULL. */
export type FeatureRow = Record<FeatureColumn, number | null>;

export interface NaiveResult {
  /** Input index of each row (the good bars at index >= firstWanted). */
  index: number[];
  rows: FeatureRow[];
  /** Bad bars at index >= firstWanted. */
  badBars: number;
}

/** The spec, literally. `rates` in time order, bad bars allowed; bars before firstWanted are lookback. */
export function naiveFeatures(
  rates: ArrayLike<number | null | undefined>,
  firstWanted = 0,
): NaiveResult {
  const good: number[] = []; // good rates seen so far
  const index: number[] = [];
  const rows: FeatureRow[] = [];
  let badBars = 0;
  for (let i = 0; i < rates.length; i++) {
    const r = rates[i];
    if (!isGoodRate(r)) {
      if (i >= firstWanted) badBars++;
      continue;
    }
    if (i >= firstWanted) {
      index.push(i);
      rows.push(naiveRow(good, r));
    }
    good.push(r);
  }
  return { index, rows, badBars };
}

/** Features of a bar with rate r whose preceding good rates are `before` (oldest first). */
export function naiveRow(before: readonly number[], r: number): FeatureRow {
  const row = {} as FeatureRow;
  for (const w of WINDOWS) {
    const defined = before.length >= w;
    const d: number[] = [];
    if (defined) for (let i = 1; i <= w; i++) d.push((before[before.length - i] - r) / r);
    const sum = defined ? d.reduce((a, b) => a + b, 0) : null;
    const mean = sum === null ? null : sum / w;
    row[windowColumn(w, 'return')] = sum;
    row[windowColumn(w, 'max')] = defined ? d.reduce((a, b) => (b > a ? b : a)) : null;
    row[windowColumn(w, 'min')] = defined ? d.reduce((a, b) => (b < a ? b : a)) : null;
    row[windowColumn(w, 'avg')] = mean;
    row[windowColumn(w, 'stdev')] =
      mean === null ? null : Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / (w - 1));
    row[windowColumn(w, 'endpoint')] = defined ? d[w - 1] : null;
  }
  if (before.length >= 75) {
    const get = (w: number, m: 'avg' | 'endpoint' | 'stdev' | 'return') =>
      row[windowColumn(w as (typeof WINDOWS)[number], m)] as number;
    const avgs = WINDOWS.map((w) => get(w, 'avg'));
    const avgMean = avgs.reduce((a, b) => a + b, 0) / 5;
    row.agg_avg_mean = avgMean;
    row.agg_avg_stdev = Math.sqrt(avgs.reduce((a, x) => a + (x - avgMean) ** 2, 0) / 4);
    row.agg_avg_slope = WINDOWS.reduce((a, w, j) => a + (w - 45) * (avgs[j] - avgMean), 0) / 2250;
    row.agg_range = (row.w75_bqx_max as number) - (row.w75_bqx_min as number);
    row.agg_endpoint_mean = WINDOWS.reduce((a, w) => a + get(w, 'endpoint'), 0) / 5;
    row.agg_stdev_mean = WINDOWS.reduce((a, w) => a + get(w, 'stdev'), 0) / 5;
    row.agg_sign_balance = WINDOWS.reduce((a, w) => {
      const x = get(w, 'return');
      return a + (Math.abs(x) <= SIGN_EPSILON ? 0 : Math.sign(x));
    }, 0);
  } else {
    for (const c of AGGREGATE_COLUMNS) row[c] = null;
  }
  return row;
}

/** The kernel's columnar result as rows (NaN -> null), for comparison. */
export function featureRows(result: FeatureResult): FeatureRow[] {
  const rows: FeatureRow[] = [];
  for (let k = 0; k < result.length; k++) {
    const row = {} as FeatureRow;
    for (const c of FEATURE_COLUMNS) {
      const v = result.columns[c][k];
      row[c] = Number.isNaN(v) ? null : v;
    }
    rows.push(row);
  }
  return rows;
}

export interface Tolerance {
  abs: number;
  rel: number;
}

/** The contract's tolerance: |a - b| <= 1e-12 + 1e-9 |b|. */
export const SPEC_TOLERANCE: Tolerance = { abs: ABS_TOL, rel: REL_TOL };

export interface ComparisonReport {
  /** Human-readable mismatches (capped at `maxMessages`). */
  mismatches: string[];
  /** Total number of mismatching cells. */
  mismatchCount: number;
  /** Cells compared. */
  cells: number;
  /** Largest |a - b| over defined cells. */
  maxAbsError: number;
  /** Largest |a - b| / |b| over cells with |b| >= 1e-9 (smaller values are covered by the absolute term). */
  maxRelError: number;
  /** Largest |a - b| / (tol.abs + tol.rel |b|): the share of the tolerance used (<= 1 passes). */
  maxToleranceUsed: number;
  /** Where the largest |a - b| was: "column@row". */
  worstAbsAt: string;
}

/**
 * Compares rows cell by cell: both null, or both finite numbers with
 * |a - b| <= tol.abs + tol.rel * |b| (b = expected). `labels[k]` names row k in messages
 * (default: the row number).
 */
export function compareRows(
  actual: readonly Partial<Record<string, unknown>>[],
  expected: readonly Partial<Record<string, unknown>>[],
  tol: Tolerance = SPEC_TOLERANCE,
  options: { columns?: readonly string[]; labels?: readonly (string | number)[]; maxMessages?: number } = {},
): ComparisonReport {
  const columns = options.columns ?? FEATURE_COLUMNS;
  const maxMessages = options.maxMessages ?? 20;
  const report: ComparisonReport = {
    mismatches: [],
    mismatchCount: 0,
    cells: 0,
    maxAbsError: 0,
    maxRelError: 0,
    maxToleranceUsed: 0,
    worstAbsAt: '',
  };
  const fail = (msg: string) => {
    report.mismatchCount++;
    if (report.mismatches.length < maxMessages) report.mismatches.push(msg);
  };
  if (actual.length !== expected.length) {
    fail(`row count: actual ${actual.length}, expected ${expected.length}`);
  }
  const n = Math.min(actual.length, expected.length);
  for (let k = 0; k < n; k++) {
    const label = options.labels ? String(options.labels[k]) : String(k);
    for (const c of columns) {
      report.cells++;
      const a = actual[k][c] ?? null;
      const b = expected[k][c] ?? null;
      if (a === null || b === null) {
        if (a !== b) fail(`${c} @ bar ${label}: actual ${String(a)}, expected ${String(b)} (NULL mismatch)`);
        continue;
      }
      if (typeof a !== 'number' || !Number.isFinite(a)) {
        fail(`${c} @ bar ${label}: actual ${String(a)} is not a finite number (expected ${String(b)})`);
        continue;
      }
      if (typeof b !== 'number' || !Number.isFinite(b)) {
        fail(`${c} @ bar ${label}: expected ${String(b)} is not a finite number (actual ${a})`);
        continue;
      }
      const diff = Math.abs(a - b);
      const allowed = tol.abs + tol.rel * Math.abs(b);
      if (diff > report.maxAbsError) {
        report.maxAbsError = diff;
        report.worstAbsAt = `${c}@${label}`;
      }
      if (Math.abs(b) >= 1e-9) report.maxRelError = Math.max(report.maxRelError, diff / Math.abs(b));
      report.maxToleranceUsed = Math.max(report.maxToleranceUsed, diff / allowed);
      if (!(diff <= allowed)) {
        fail(`${c} @ bar ${label}: actual ${a}, expected ${b}, |diff| ${diff.toExponential(3)} > allowed ${allowed.toExponential(3)}`);
      }
    }
  }
  return report;
}
