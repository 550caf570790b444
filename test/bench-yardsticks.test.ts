// The benchmark's yardsticks measure what they claim to (bench/seed-method*.ts,
// bench/write-limit.ts): the seed's method computes the contract's 40 columns (within the
// tolerance, NULL where its month has fewer than W bars before a bar: the seed's
// defect, kept), upserts idempotently, and the parallel runners count every row of
// every job and leave nothing behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BQX_COLUMNS, FEATURE_COLUMNS } from '../plv8-src/spec.js';
import { benchSeedMethod, combineSeedMethod, seedMethodHalves, seedMethodSubset } from '../bench/seed-method.js';
import { seedMethodStatement, seedMethodTable } from '../bench/seed-method-sql.js';
import { benchWriteLimit } from '../bench/write-limit.js';
import { FIRST_MONTH, FULL_MONTHS, addMonths, type PairMonth, type Workload } from '../bench/workload.js';
import { testDatabase, type TestDb } from './support/db.js';
import { readHistdataCloses } from './support/histdata.js';
import { compareRows, naiveFeatures } from './support/naive.js';
import { loadBars, monthBounds } from './support/bars.js';

let db: TestDb;
let ts: Date[] = [];
let rates: (number | null)[] = [];

const MONTHS = ['2019-01', '2019-02'];
const pairMonth = (month: string): PairMonth => {
  const [start, end] = monthBounds(month);
  return { pair: 'EURUSD', month, start: start.toISOString(), end: end.toISOString(), leaf: `bqx_eurusd_${month.replace('-', '_')}` };
};

beforeAll(async () => {
  db = await testDatabase('bench_yardsticks');
  // the first days of each month (~5k bars each) keep the test quick; the month's
  // first bars still have fewer than W bars before them
  const bars = await readHistdataCloses('EURUSD', 2019, 100_000);
  const kept = bars.ts.map((_, i) => i).filter((i) => bars.ts[i].getUTCDate() <= 5);
  ts = kept.map((i) => bars.ts[i]);
  rates = kept.map((i) => bars.rate[i]);
  await loadBars(db, 'EURUSD', ts, rates);
});
afterAll(async () => { await db?.end(); });

describe("the seed's method (bench/seed-method-sql.ts)", () => {
  it('writes the 40 columns of bqx.bqx, in its order', () => {
    const sql = seedMethodStatement('public.t');
    expect(sql).toContain(`(${BQX_COLUMNS.join(', ')})`);
    for (const c of FEATURE_COLUMNS) expect(sql).toContain(`excluded."${c}"`);
  });

  it("equals the direct two-pass formula over the month's own bars, and upserts idempotently", async () => {
    const pm = pairMonth('2019-02');
    await db.query(seedMethodTable('public.seed_method_feb'));
    const run = async () => (await db.query(seedMethodStatement('public.seed_method_feb'), [pm.pair, pm.start, pm.end])).rowCount;
    const first = await run();
    const second = await run(); // every row conflicts: DO UPDATE
    expect(second).toBe(first);

    const [from, to] = monthBounds('2019-02');
    const inMonth = ts.map((t, i) => i).filter((i) => ts[i] >= from && ts[i] < to);
    const oracle = naiveFeatures(inMonth.map((i) => rates[i])); // no lookback: the seed's way
    const cols = FEATURE_COLUMNS.map((c) => (c === 'agg_sign_balance' ? c : `${c}::text as ${c}`)).join(', ');
    const stored = (await db.query(`select ${cols} from public.seed_method_feb order by ts_utc`)).rows
      .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : Number(v)])));
    expect(stored.length).toBe(first);
    const report = compareRows(stored, oracle.rows);
    if (report.mismatchCount) console.error(report.mismatches.join('\n'));
    expect(report.mismatchCount).toBe(0);
    expect(stored[74].w75_bqx_return).toBeNull(); // the month's 75th bar: 74 bars before it
    expect(stored[75].w75_bqx_return).not.toBeNull();
    console.log(`seed method vs two-pass: ${report.cells} cells, tolerance used ${(report.maxToleranceUsed * 100).toFixed(4)}%`);
  });

  it('on 6 connections counts every row of every pair-month and drops its tables', async () => {
    const r = await benchSeedMethod(db.url, MONTHS.map(pairMonth), 6);
    const expected = (await db.query(`select count(*)::int as n from bqx.m1 where pair = 'EURUSD' and ts_utc >= '2019-01-01Z' and ts_utc < '2019-03-01Z'`)).rows[0].n;
    expect(r.rows).toBe(expected);
    expect(r.jobs).toBe(2);
    expect((await db.query(`select to_regnamespace('bench_seed_method') as s`)).rows[0].s).toBeNull();
  });
});

describe('the write limit (bench/write-limit.ts)', () => {
  it('writes every backfilled row of every pair-month on 2 connections and drops its tables', async () => {
    await db.query(`update bqx.settings set value = 'sql' where key = 'engine'`);
    for (const m of MONTHS) await db.query(`call bqx.backfill('EURUSD', $1)`, [m]);
    const r = await benchWriteLimit(db.url, MONTHS.map(pairMonth), 2);
    const stored = (await db.query(`select count(*)::int as n from bqx.bqx where pair = 'EURUSD'`)).rows[0].n;
    expect(r.rows).toBe(stored);
    expect(r.jobs).toBe(2);
    expect((await db.query(`select to_regnamespace('bench_write') as s`)).rows[0].s).toBeNull();
  });

  it('refuses pair-months the backfill did not store', async () => {
    await expect(benchWriteLimit(db.url, [pairMonth('2019-03')], 2)).rejects.toThrow(/no leaf for bqx_eurusd_2019_03/);
  });
});

describe("the seed's method measured around a run (bench/full.ts)", () => {
  const full = (): Workload => {
    const pairs = ['AUDCAD', 'AUDCHF', 'AUDJPY', 'AUDNZD', 'AUDUSD', 'CADCHF', 'CADJPY', 'CHFJPY', 'EURAUD', 'EURCAD',
      'EURCHF', 'EURGBP', 'EURJPY', 'EURNZD', 'EURUSD', 'GBPAUD', 'GBPCAD', 'GBPCHF', 'GBPJPY', 'GBPNZD', 'GBPUSD',
      'NZDCAD', 'NZDCHF', 'NZDJPY', 'NZDUSD', 'USDCAD', 'USDCHF', 'USDJPY'];
    const months = Array.from({ length: FULL_MONTHS }, (_, k) => addMonths(FIRST_MONTH, k));
    // in queue order, as resolveWorkload gives them: by month, then pair
    const pairMonths = months.flatMap((month) => pairs.map((pair) => ({
      pair, month, start: `${month}-01T00:00:00Z`, end: `${addMonths(month, 1)}-01T00:00:00Z`,
      leaf: `bqx_${pair.toLowerCase()}_${month.replace('-', '_')}`,
    })));
    return { pairs, from: months[0], to: months[months.length - 1], pairMonths, label: '28 pairs x 12 months', full: true };
  };

  it('splits the yardstick\'s pair-months into two halves of every month, together exactly the subset', () => {
    const w = full();
    const { halves: [before, after] } = seedMethodHalves(w);
    const subset = seedMethodSubset(w.pairMonths).pairMonths;
    expect(before.length + after.length).toBe(subset.length);
    expect(Math.abs(before.length - after.length)).toBeLessThanOrEqual(1);
    expect(new Set([...before, ...after].map((p) => p.leaf))).toEqual(new Set(subset.map((p) => p.leaf)));
    for (const half of [before, after]) expect(new Set(half.map((p) => p.month)).size).toBe(FULL_MONTHS);
  });

  it('states the two halves as one rate: their rows over their summed time', () => {
    const r = combineSeedMethod([{ rows: 100, seconds: 2, jobs: 1, rowsPerSec: 50 }, { rows: 300, seconds: 2, jobs: 3, rowsPerSec: 150 }], 'x');
    expect(r).toEqual({ rows: 400, seconds: 4, jobs: 4, rowsPerSec: 100, label: 'x' });
  });
});
