// The kernel against the naive two-pass oracle (test/support/naive.ts), on long seeded
// random series and on real HistData bars, every column within the contract tolerance
// |a - b| <= 1e-12 + 1e-9 |b| (docs/contract.md section 3).

import { describe, expect, it, vi } from 'vitest';
import { computeFeatures, type FeatureResult } from '../plv8-src/kernel.js';
import {
  BQX_COLUMNS,
  FEATURE_COLUMNS,
  MAX_LOOKBACK,
  WINDOWS,
  WINDOW_COLUMNS,
  isGoodRate,
  windowColumn,
} from '../plv8-src/spec.js';
import { compareRows, featureRows, naiveFeatures, type ComparisonReport } from './support/naive.js';
import {
  BAD_RATES,
  eurSeries,
  flatRunSeries,
  jpySeries,
  mulberry32,
  shortHistories,
  smoothSeries,
  sprinkleBadBars,
  sprinkleBadRuns,
  type RateValue,
} from './support/random-series.js';
import { readHistdataCloses } from './support/histdata.js';

// Long series; no database needed, so this file also runs without the project's vitest config.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const N = 50_000;

/** Runs kernel and oracle, asserts structure and tolerance, returns the error report. */
function checkAgainstNaive(rates: readonly RateValue[], firstWanted = 0): ComparisonReport {
  const k = computeFeatures(rates, firstWanted);
  const nv = naiveFeatures(rates, firstWanted);
  expect(Array.from(k.index)).toEqual(nv.index);
  expect(k.badBars).toBe(nv.badBars);
  const report = compareRows(featureRows(k), nv.rows, undefined, { labels: nv.index });
  expect(report.mismatches, report.mismatches.join('\n')).toEqual([]);
  assertNullsAndFinite(rates, firstWanted, k);
  return report;
}

/** NULL (NaN) exactly where fewer than W good bars precede; everything else finite. */
function assertNullsAndFinite(rates: readonly RateValue[], firstWanted: number, k: FeatureResult): void {
  let goodBefore = 0;
  for (let i = 0; i < firstWanted; i++) if (isGoodRate(rates[i])) goodBefore++;
  const byWindow = WINDOWS.map((w) => ({ w, cols: WINDOW_COLUMNS.filter((name) => name.startsWith(`w${w}_`)) }));
  const aggCols = FEATURE_COLUMNS.filter((name) => name.startsWith('agg_'));
  for (let row = 0; row < k.length; row++) {
    const before = goodBefore + row; // good bars before this output bar
    for (const { w, cols } of byWindow) {
      for (const c of cols) {
        const v = k.columns[c][row];
        if (before < w) {
          if (!Number.isNaN(v)) throw new Error(`${c} row ${row}: expected NULL (${before} good bars before), got ${v}`);
        } else if (!Number.isFinite(v)) {
          throw new Error(`${c} row ${row}: expected a finite value, got ${v}`);
        }
      }
    }
    for (const c of aggCols) {
      const v = k.columns[c][row];
      if (before < MAX_LOOKBACK ? !Number.isNaN(v) : !Number.isFinite(v)) {
        throw new Error(`${c} row ${row}: ${v} with ${before} good bars before`);
      }
    }
  }
}

const summary: Record<string, ComparisonReport> = {};

describe('spec constants', () => {
  it('has the 40 columns in the spec order', () => {
    expect(BQX_COLUMNS).toHaveLength(40);
    expect(BQX_COLUMNS.slice(0, 9)).toEqual([
      'pair', 'ts_utc', 'rate', 'w15_bqx_return', 'w15_bqx_max', 'w15_bqx_min', 'w15_bqx_avg', 'w15_bqx_stdev', 'w15_bqx_endpoint',
    ]);
    expect(FEATURE_COLUMNS[29]).toBe('w75_bqx_endpoint');
    expect(FEATURE_COLUMNS.slice(30)).toEqual([
      'agg_avg_mean', 'agg_avg_stdev', 'agg_avg_slope', 'agg_range', 'agg_endpoint_mean', 'agg_stdev_mean', 'agg_sign_balance',
    ]);
    expect(new Set(BQX_COLUMNS).size).toBe(40);
  });

  it('classifies bad rates', () => {
    // a good rate is finite and within [1e-9, 1e9] (the edge values: test/good-rate.test.ts)
    for (const bad of [...BAD_RATES, undefined, '1.1', -1e-300, 1e-300, Number.MAX_VALUE]) expect(isGoodRate(bad)).toBe(false);
    for (const good of [1.1, 150.123, 1e-9, 1e9]) expect(isGoodRate(good)).toBe(true);
  });
});

describe('kernel vs naive two-pass formula', () => {
  it('EUR-level random walk, 1e-5 ticks', () => {
    summary.eur = checkAgainstNaive(eurSeries(101, N));
  });

  it('JPY-level random walk, 0.001 ticks', () => {
    summary.jpy = checkAgainstNaive(jpySeries(202, N));
  });

  it('smooth off-grid walk with tiny relative steps', () => {
    summary.smooth = checkAgainstNaive(smoothSeries(303, N, 1.1, 1e-7));
  });

  it('long flat runs and 1 % jumps (JPY and EUR level)', () => {
    summary.flatJpy = checkAgainstNaive(flatRunSeries(404, N));
    summary.flatEur = checkAgainstNaive(flatRunSeries(405, N, 1.1, 1e-5));
  });

  it('bad bars sprinkled and in runs', () => {
    const rng = mulberry32(505);
    summary.bad = checkAgainstNaive(sprinkleBadBars(rng, jpySeries(506, N), 0.05));
    const runs = sprinkleBadRuns(rng, flatRunSeries(507, N, 1.1, 1e-5), 0.002, 200);
    checkAgainstNaive(runs);
    checkAgainstNaive(runs, 30_001);
  });

  it('firstWanted > 0 with lookback (bad bars inside the lookback too)', () => {
    const n = 5_000;
    const rates = sprinkleBadBars(mulberry32(606), eurSeries(607, n), 0.01);
    for (const first of [1, 14, 15, 16, 74, 75, 76, 77, 200, 3_123, n - 1, n]) checkAgainstNaive(rates, first);
  });

  it('very short histories, every firstWanted', () => {
    for (const rates of shortHistories(707, 200)) {
      for (let first = 0; first <= rates.length; first += 7) checkAgainstNaive(rates, first);
      checkAgainstNaive(rates, rates.length);
    }
  });

  it('all-bad and empty input', () => {
    expect(computeFeatures([]).length).toBe(0);
    const k = computeFeatures([null, NaN, 0, -1, Infinity]);
    expect(k.length).toBe(0);
    expect(k.badBars).toBe(5);
    expect(computeFeatures([null, 1.1, NaN], 2).badBars).toBe(1);
  });

  it('rejects a bad firstWanted', () => {
    expect(() => computeFeatures([1, 2], 3)).toThrow(RangeError);
    expect(() => computeFeatures([1, 2], -1)).toThrow(RangeError);
    expect(() => computeFeatures([1, 2], 0.5)).toThrow(RangeError);
  });
});

describe('flat windows', () => {
  it('a window of identical rates has stdev exactly +0, return exactly 0 when the bar is equal too', () => {
    const rates = flatRunSeries(808, N);
    const k = computeFeatures(rates);
    let flatWindows = 0;
    let run = 0; // length of the run of equal rates ending at bar p-1
    const bad: string[] = [];
    for (let p = 0; p < k.length; p++) {
      run = p === 0 ? 0 : p >= 2 && rates[p - 1] === rates[p - 2] ? run + 1 : 1;
      for (const w of WINDOWS) {
        if (p < w || run < w) continue;
        flatWindows++;
        if (!Object.is(k.columns[windowColumn(w, 'stdev')][p], 0)) bad.push(`w${w} stdev @${p}`);
        if (rates[p] === rates[p - 1]) {
          for (const m of ['return', 'max', 'min', 'avg', 'endpoint'] as const) {
            if (!Object.is(k.columns[windowColumn(w, m)][p], 0)) bad.push(`w${w} ${m} @${p}`);
          }
        }
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(flatWindows).toBeGreaterThan(10_000);
  });

  it('an entirely flat JPY series: every stdev and aggregate exactly 0', () => {
    const rates = new Array<number>(500).fill(149.987);
    const k = computeFeatures(rates);
    for (const c of FEATURE_COLUMNS) {
      for (let p = MAX_LOOKBACK; p < k.length; p++) expect(Object.is(k.columns[c][p], 0), `${c}@${p}`).toBe(true);
    }
  });

  it('five identical avgs give agg_avg_stdev exactly 0', () => {
    // Bar at 150.001 after a flat history at 150: d is the same in every window.
    const rates = [...new Array<number>(100).fill(150), 150.001];
    const k = computeFeatures(rates, 100);
    expect(k.columns.agg_avg_stdev[0]).toBe(0);
    expect(k.columns.agg_avg_slope[0]).toBe(0);
    expect(k.columns.agg_sign_balance[0]).toBe(-5);
  });
});

describe('cut independence of the kernel', () => {
  it('the same firstWanted bar gives bit-identical rows whatever the lookback length (>= 75 good bars)', () => {
    const rates = sprinkleBadBars(mulberry32(909), jpySeries(910, 40_000), 0.02);
    const first = 30_000;
    const full = computeFeatures(rates, first);
    for (const start of [first - 80, first - 1_000, 0]) {
      const part = computeFeatures(rates.slice(start), first - start);
      expect(part.length).toBe(full.length);
      for (const c of FEATURE_COLUMNS) expect(part.columns[c], c).toEqual(full.columns[c]);
    }
  });

  it('a bar gets the same bits wherever the computation starts (month, year or a live insert\'s few bars)', () => {
    // Live mode recomputes a handful of bars with 75 bars of lookback; a backfill computes
    // the month from its first bar; both must store the same bits as one run over the year.
    const rates = sprinkleBadBars(mulberry32(911), jpySeries(912, 20_000), 0.01);
    const whole = computeFeatures(rates, 0);
    const rowOf = new Map<number, number>();
    whole.index.forEach((inputIndex, k) => rowOf.set(inputIndex, k));
    const rng = mulberry32(913);
    for (let trial = 0; trial < 40; trial++) {
      const first = 200 + Math.floor(rng() * 19_000);
      const start = Math.max(0, first - 75 - Math.floor(rng() * 50));
      const part = computeFeatures(rates.slice(start, first + 1 + Math.floor(rng() * 500)), first - start);
      for (let k = 0; k < part.length; k++) {
        const w = rowOf.get(part.index[k] + start)!;
        for (const c of FEATURE_COLUMNS) {
          if (!Object.is(part.columns[c][k], whole.columns[c][w])) {
            expect.fail(`${c} of bar ${part.index[k] + start} (cut at ${first}): ${part.columns[c][k]} vs ${whole.columns[c][w]}`);
          }
        }
      }
    }
  });
});

describe('real HistData bars (2019, first 60k bars, close)', () => {
  for (const pair of ['EURUSD', 'USDJPY']) {
    it(pair, async () => {
      const bars = await readHistdataCloses(pair, 2019, 60_000);
      expect(bars.rate.length).toBe(60_000);
      summary[pair] = checkAgainstNaive(bars.rate);
      summary[`${pair}@31000`] = checkAgainstNaive(bars.rate, 31_000);
    });
  }

  it('error summary', () => {
    const lines = Object.entries(summary).map(
      ([name, r]) =>
        `${name.padEnd(16)} cells ${r.cells}  max|diff| ${r.maxAbsError.toExponential(2)}  max rel ${r.maxRelError.toExponential(2)}  tolerance used ${(r.maxToleranceUsed * 100).toFixed(4)}%  worst ${r.worstAbsAt}`,
    );
    console.log(`kernel vs naive:\n${lines.join('\n')}`);
    for (const r of Object.values(summary)) expect(r.maxToleranceUsed).toBeLessThan(0.01);
  });
});
