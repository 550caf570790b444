// Every engine equals the TypeScript kernel (the reference) within the spec's tolerance,
// on real HistData bars and on synthetic series, and a month's rows do not depend on how
// the work is cut (months in random order, in parallel, or again).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { describeEachEngine, useEngine } from './support/engines.js';
import { readHistdataCloses } from './support/histdata.js';
import { compareRows } from './support/naive.js';
import { jpySeries, eurSeries, flatRunSeries, mulberry32, sprinkleBadBars } from './support/random-series.js';
import { kernelRows, loadBars, monthBounds, monthRange, readBqx, weekdayMinutes } from './support/bars.js';

let db: TestDb;

beforeAll(async () => {
  db = await testDatabase('engines');
});
afterAll(async () => { await db?.end(); });

async function backfill(pair: string, month: string) {
  const r = await db.query(`call bqx.backfill($1, $2)`, [pair, month]);
  return r.rows[0] as { rows_written: string; bad_bars: string; engine: string };
}

function expectEqualToKernel(actual: object[], expected: object[], what: string) {
  const report = compareRows(actual as never, expected as never, undefined, { columns: ['ts', 'rate', ...Object.keys(expected[0] ?? {}).filter((c) => c !== 'ts' && c !== 'rate')] });
  if (report.mismatchCount) console.error(`${what}:\n${report.mismatches.join('\n')}`);
  expect(report.mismatchCount, `${what}: ${report.mismatches[0] ?? ''}`).toBe(0);
  expect(actual.length).toBe(expected.length);
  console.log(`${what}: ${report.cells} cells, max |diff| ${report.maxAbsError.toExponential(2)}, `
    + `tolerance used ${(report.maxToleranceUsed * 100).toFixed(4)}% (worst ${report.worstAbsAt})`);
  // the PLV8 engine runs the kernel itself and rebuilds the rest with the kernel's own
  // operations: every value bit for bit
  if (what.startsWith('plv8 ')) expect(report.maxAbsError, `${what}: plv8 must equal the kernel bit for bit`).toBe(0);
  return report;
}

// Data sets, loaded once, each under its own pair name.
interface Series { pair: string; ts: Date[]; rates: (number | null)[]; months: string[] }
const series: Series[] = [];

beforeAll(async () => {
  for (const pair of ['EURUSD', 'USDJPY'] as const) {
    const bars = await readHistdataCloses(pair, 2019, Infinity); // the excerpt: all of 2019-01 and 2019-02
    await loadBars(db, pair, bars.ts, bars.rate);
    series.push({ pair, ts: bars.ts, rates: bars.rate, months: ['2019-01', '2019-02'] });
  }
  // JPY-level walk with long flat runs and bad bars of every kind, one minute apart on weekdays
  const ts = weekdayMinutes(new Date(Date.UTC(2024, 5, 20)), new Date(Date.UTC(2024, 7, 1)));
  const rng = mulberry32(7);
  const flat = flatRunSeries(11, ts.length);
  const rates = sprinkleBadBars(rng, flat, 0.002);
  await loadBars(db, 'GBPJPY', ts, rates);
  series.push({ pair: 'GBPJPY', ts, rates, months: ['2024-07'] });
  // EUR-level tiny moves, a bar every 3 minutes over a year: the partition-invariance set
  const tsYear = weekdayMinutes(new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2025, 0, 1)), 3);
  const ratesYear = sprinkleBadBars(mulberry32(3), eurSeries(5, tsYear.length), 0.001);
  await loadBars(db, 'EURGBP', tsYear, ratesYear);
  series.push({ pair: 'EURGBP', ts: tsYear, rates: ratesYear, months: monthRange('2024-01', '2024-12') });
  // and a JPY walk for the same
  const jpy = jpySeries(9, tsYear.length);
  await loadBars(db, 'CHFJPY', tsYear, jpy);
  series.push({ pair: 'CHFJPY', ts: tsYear, rates: jpy, months: monthRange('2024-01', '2024-03') });
});

describeEachEngine('engine', (engine) => {
  beforeAll(async () => { await useEngine(db, engine); });

  it('equals the kernel on real HistData EURUSD and USDJPY 2019 bars', async () => {
    for (const s of series.filter((x) => x.pair === 'EURUSD' || x.pair === 'USDJPY')) {
      for (const month of s.months) {
        const res = await backfill(s.pair, month);
        expect(res.engine).toBe(engine);
        const [from, to] = monthBounds(month);
        const report = expectEqualToKernel(await readBqx(db, s.pair, from, to), kernelRows(s.ts, s.rates, from, to), `${engine} ${s.pair} ${month}`);
        expect(report.cells).toBeGreaterThan(100_000);
      }
    }
  });

  it('equals the kernel on JPY-level flat runs with bad bars, and counts the bad bars', async () => {
    const s = series.find((x) => x.pair === 'GBPJPY')!;
    const [from, to] = monthBounds('2024-07');
    const res = await backfill(s.pair, '2024-07');
    const expectedBad = s.ts.filter((t, i) => t >= from && t < to && !(typeof s.rates[i] === 'number' && Number.isFinite(s.rates[i]) && (s.rates[i] as number) > 0)).length;
    expect(Number(res.bad_bars)).toBe(expectedBad);
    expect(expectedBad).toBeGreaterThan(0);
    const stored = await readBqx(db, s.pair, from, to);
    expectEqualToKernel(stored, kernelRows(s.ts, s.rates, from, to), `${engine} GBPJPY flat runs`);
    // flat windows: stdev exactly 0
    const flatStdev = stored.filter((r) => r.w15_bqx_max === r.w15_bqx_min && r.w15_bqx_max !== null);
    expect(flatStdev.length).toBeGreaterThan(100);
    for (const r of flatStdev) expect(r.w15_bqx_stdev).toBe(0);
  });

  it('gives the same rows however the year is cut: months in random order, in parallel, and again', async () => {
    const s = series.find((x) => x.pair === 'EURGBP')!;
    const rng = mulberry32(42);
    const order = [...s.months].sort(() => rng() - 0.5);
    for (const m of order) await backfill(s.pair, m);
    const [from] = monthBounds(s.months[0]);
    const [, to] = monthBounds(s.months[s.months.length - 1]);
    const stored = await readBqx(db, s.pair, from, to);
    // one run over the whole year = the kernel over the whole series
    expectEqualToKernel(stored, kernelRows(s.ts, s.rates, from, to), `${engine} EURGBP year`);
    // NULLs only in the first 75 good bars of the pair's history, never at a month start
    const nullRows = stored.map((r, i) => (r.w75_bqx_return === null ? i : -1)).filter((i) => i >= 0);
    expect(nullRows).toEqual([...Array(75).keys()]);

    await db.query(`create table public.snapshot_${engine} as select * from bqx.bqx where pair = 'EURGBP'`);
    // again, the other way round and two months at a time from two sessions
    const reversed = [...s.months].reverse();
    const c1 = await db.pool.connect();
    const c2 = await db.pool.connect();
    try {
      for (let i = 0; i < reversed.length; i += 2) {
        await Promise.all([
          c1.query(`call bqx.backfill($1, $2)`, [s.pair, reversed[i]]),
          reversed[i + 1] ? c2.query(`call bqx.backfill($1, $2)`, [s.pair, reversed[i + 1]]) : Promise.resolve(),
        ]);
      }
    } finally {
      c1.release();
      c2.release();
    }
    const diff = await db.query(
      `select count(*)::int as n from (
         (select * from bqx.bqx where pair = 'EURGBP' except all select * from public.snapshot_${engine})
         union all
         (select * from public.snapshot_${engine} except all select * from bqx.bqx where pair = 'EURGBP')) d`);
    expect(diff.rows[0].n).toBe(0);
  });

  it('equals the kernel on a JPY-level random walk over three months', async () => {
    const s = series.find((x) => x.pair === 'CHFJPY')!;
    for (const m of s.months) await backfill(s.pair, m);
    const [from] = monthBounds(s.months[0]);
    const [, to] = monthBounds(s.months[s.months.length - 1]);
    expectEqualToKernel(await readBqx(db, s.pair, from, to), kernelRows(s.ts, s.rates, from, to), `${engine} CHFJPY`);
  });
});
