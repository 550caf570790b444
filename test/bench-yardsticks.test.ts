// The benchmark's yardsticks measure what they claim to (bench/seed-method*.ts,
// bench/write-limit.ts): the seed's method computes the contract's 40 columns (within the
// tolerance, NULL where its month has fewer than W bars before a bar: the seed's
// defect, kept), upserts idempotently, and the parallel runners count every row of
// every job and leave nothing behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BQX_COLUMNS, FEATURE_COLUMNS } from '../plv8-src/spec.js';
import { benchSeedMethod } from '../bench/seed-method.js';
import { seedMethodStatement, seedMethodTable } from '../bench/seed-method-sql.js';
import { benchWriteLimit } from '../bench/write-limit.js';
import type { PairMonth } from '../bench/workload.js';
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
