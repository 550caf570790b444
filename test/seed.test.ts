// bqx seed: synthetic one-minute bars in bqx.m1 (scripts/seed). Real Postgres: counts per
// pair-month, the trading week, cross rates consistent with the USD legs, determinism
// across pair subsets and ways of cutting the months, idempotent re-seeding, bad arguments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { isTradingMinute, seedBars, UserError, type SeedOptions } from '../scripts/seed/index.js';

const CROSS_PAIRS = ['EURUSD', 'USDJPY', 'EURJPY', 'GBPUSD', 'GBPJPY', 'EURGBP', 'AUDUSD', 'NZDUSD', 'AUDNZD', 'USDCHF', 'CHFJPY'];
const MONTHS_12 = ['2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06'];

let a: TestDb; // one big run
let b: TestDb; // the same seed, cut differently

/** Trading minutes of a month by the calendar alone (Sunday 22:00 to Friday 22:00 UTC). */
function calendarMinutes(month: string): number {
  const [y, m] = month.split('-').map(Number);
  let n = 0;
  for (let t = Date.UTC(y, m - 1, 1); t < Date.UTC(y, m, 1); t += 60_000) if (isTradingMinute(t)) n++;
  return n;
}

/** Monday-to-Friday days of a month. */
function weekdays(month: string): number {
  const [y, m] = month.split('-').map(Number);
  let n = 0;
  for (let d = new Date(Date.UTC(y, m - 1, 1)); d.getUTCMonth() === m - 1; d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() >= 1 && d.getUTCDay() <= 5) n++;
  }
  return n;
}

/** md5 over the exact rows (float8 text is shortest-exact in PG 15) per pair-month. */
async function fingerprints(db: TestDb, pairs: string[], from: string, toExclusive: string): Promise<Map<string, string>> {
  const r = await db.query(
    `select pair, to_char(ts_utc at time zone 'UTC', 'YYYY-MM') as month,
            md5(string_agg(ts_utc::text || '=' || rate::text, ',' order by ts_utc)) as h, count(*)::int as n
       from bqx.m1 where pair = any($1) and ts_utc >= $2 and ts_utc < $3 group by 1, 2`,
    [pairs, from, toExclusive],
  );
  return new Map(r.rows.map((x) => [`${x.pair} ${x.month}`, `${x.h}/${x.n}`]));
}

async function rejects(opts: SeedOptions, pattern: RegExp): Promise<void> {
  const before = await a.query(`select count(*)::int as n from bqx.m1`);
  const err = await seedBars(a.url, opts).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  expect((err as UserError).code).toBe('22023');
  expect((err as UserError).message).toMatch(pattern);
  const after = await a.query(`select count(*)::int as n from bqx.m1`);
  expect(after.rows[0].n).toBe(before.rows[0].n);
}

beforeAll(async () => {
  [a, b] = await Promise.all([testDatabase('seed_a'), testDatabase('seed_b')]);
  // A: eleven pairs for a quarter in one run, EURUSD for the rest of the year
  await seedBars(a.url, { pairs: CROSS_PAIRS, from: '2024-07', to: '2024-09', seed: 7 });
  await seedBars(a.url, { pairs: ['EURUSD'], from: '2024-10', to: '2025-06', seed: 7 });
  // B: the same seed, other subsets, month by month, one connection
  for (const month of ['2024-09', '2024-07', '2024-08']) {
    await seedBars(b.url, { pairs: 'EURJPY,gbpjpy', from: month, seed: 7, connections: 1 });
  }
  await seedBars(b.url, { pairs: ['EURUSD'], from: '2024-08', to: '2024-12', seed: 7 });
});
afterAll(async () => {
  await Promise.all([a?.end(), b?.end()]);
});

describe('bqx seed: the bars look like the market', () => {
  it('has calendar-minus-a-few bars per pair-month, 30,000-32,500 in ordinary (21-22 weekday) months', async () => {
    const r = await a.query(
      `select to_char(ts_utc at time zone 'UTC', 'YYYY-MM') as month, count(*)::int as n
         from bqx.m1 where pair = 'EURUSD' group by 1 order by 1`,
    );
    expect(r.rows.map((x) => x.month)).toEqual(MONTHS_12);
    let ordinary = 0;
    for (const { month, n } of r.rows as { month: string; n: number }[]) {
      const cal = calendarMinutes(month);
      expect(n, month).toBeLessThan(cal); // a few missing minutes
      expect(n, month).toBeGreaterThan(cal * 0.995);
      if (weekdays(month) === 21 || weekdays(month) === 22) {
        ordinary++;
        expect(n, month).toBeGreaterThanOrEqual(30_000);
        expect(n, month).toBeLessThanOrEqual(32_500);
      } else {
        // February (20 weekdays, 28,800 calendar minutes) or a 23-weekday month (up to
        // 33,120), like the real HistData EURUSD 2019 files (28,792 .. 33,218)
        expect(n, month).toBeGreaterThanOrEqual(28_500);
        expect(n, month).toBeLessThanOrEqual(33_120);
      }
    }
    expect(ordinary).toBeGreaterThanOrEqual(7);
  });

  it('has no bar from Friday 22:00 to Sunday 22:00 UTC, and opens every Sunday at 22:00', async () => {
    const r = await a.query(`
      select count(*) filter (where d = 6 or (d = 5 and tod >= '22:00') or (d = 0 and tod < '22:00'))::int as weekend,
             count(*)::int as total
        from (select extract(dow from ts_utc at time zone 'UTC') as d, (ts_utc at time zone 'UTC')::time as tod
                from bqx.m1) x`);
    expect(r.rows[0].total).toBeGreaterThan(1_000_000);
    expect(r.rows[0].weekend).toBe(0);
    // every Sunday of 2024-07 .. 2025-06 has its open (bars from 22:00 on, checked above)
    const opens = await a.query(`
      select count(distinct (ts_utc at time zone 'UTC')::date)::int as n from bqx.m1
       where pair = 'EURUSD' and extract(dow from ts_utc at time zone 'UTC') = 0`);
    expect(opens.rows[0].n).toBe(52);
  });

  it('has realistic levels and per-minute volatility of a few pips', async () => {
    const r = await a.query(`
      with x as (
        select pair, rate, ln(rate / lag(rate) over (partition by pair order by ts_utc)) as lr
          from bqx.m1 where ts_utc < '2024-10-01')
      select pair, avg(rate) as level, stddev_samp(lr) * avg(rate) as sd from x group by pair`);
    const got = new Map(r.rows.map((x) => [x.pair as string, { level: Number(x.level), sd: Number(x.sd) }]));
    const expected: Record<string, [number, number]> = {
      EURUSD: [1.08, 1e-4], USDJPY: [150, 1e-2], GBPUSD: [1.27, 1e-4], AUDUSD: [0.66, 1e-4],
      NZDUSD: [0.6, 1e-4], USDCHF: [0.88, 1e-4], EURJPY: [162, 1e-2],
    };
    for (const [pair, [level, pip]] of Object.entries(expected)) {
      const g = got.get(pair)!;
      expect(g.level / level, pair).toBeGreaterThan(0.85);
      expect(g.level / level, pair).toBeLessThan(1.15);
      expect(g.sd / pip, pair).toBeGreaterThan(0.5); // pips per minute
      expect(g.sd / pip, pair).toBeLessThan(5);
    }
    const bad = await a.query(`select count(*)::int as n from bqx.m1 where not (rate > 0 and rate < 'Infinity'::float8)`);
    expect(bad.rows[0].n).toBe(0);
  });

  it('misses minutes per pair: each pair has its own gaps', async () => {
    const r = await a.query(`
      select count(*) filter (where e.ts_utc is null)::int as only_usdjpy,
             count(*) filter (where e.ts_utc is not null)::int as both
        from bqx.m1 j left join bqx.m1 e on e.pair = 'EURUSD' and e.ts_utc = j.ts_utc
       where j.pair = 'USDJPY'`);
    expect(r.rows[0].only_usdjpy).toBeGreaterThan(10);
    expect(r.rows[0].only_usdjpy).toBeLessThan(r.rows[0].both * 0.01);
  });
});

describe('bqx seed: crosses are consistent with the USD legs at every minute', () => {
  const crosses: [string, string, string, string][] = [
    // pair, leg 1, leg 2, how: '*' = leg1 * leg2, '/' = leg1 / leg2
    ['EURJPY', 'EURUSD', 'USDJPY', '*'],
    ['GBPJPY', 'GBPUSD', 'USDJPY', '*'],
    ['EURGBP', 'EURUSD', 'GBPUSD', '/'],
    ['AUDNZD', 'AUDUSD', 'NZDUSD', '/'],
    ['CHFJPY', 'USDJPY', 'USDCHF', '/'],
  ];
  it.each(crosses)('%s = %s %s %s within 1e-12 relative on every common bar', async (pair, l1, l2, how) => {
    const implied = how === '*' ? 'a.rate * b.rate' : 'a.rate / b.rate';
    const r = await a.query(
      `select count(*)::int as n, max(abs(x.rate - ${implied}) / x.rate) as err,
              (select count(*)::int from bqx.m1 where pair = $1) as bars
         from bqx.m1 x
         join bqx.m1 a on a.pair = $2 and a.ts_utc = x.ts_utc
         join bqx.m1 b on b.pair = $3 and b.ts_utc = x.ts_utc
        where x.pair = $1`,
      [pair, l1, l2],
    );
    expect(r.rows[0].n).toBeGreaterThan(r.rows[0].bars * 0.99);
    expect(Number(r.rows[0].err)).toBeLessThan(1e-12);
  });
});

describe('bqx seed: deterministic', () => {
  it('gives identical rows whatever the pair subset, the month cut or the connection count', async () => {
    const fa = await fingerprints(a, ['EURJPY', 'GBPJPY', 'EURUSD'], '2024-07-01', '2025-01-01');
    const fb = await fingerprints(b, ['EURJPY', 'GBPJPY', 'EURUSD'], '2024-07-01', '2025-01-01');
    expect(fb.size).toBe(6 + 5);
    for (const [k, v] of fb) expect(fa.get(k), k).toBe(v);
  });

  it('gives other rows for another seed, and the same rows when the seed comes back', async () => {
    const before = await fingerprints(b, ['EURJPY'], '2024-07-01', '2024-08-01');
    await seedBars(b.url, { pairs: ['EURJPY'], from: '2024-07', seed: 8 });
    const other = await fingerprints(b, ['EURJPY'], '2024-07-01', '2024-08-01');
    expect(other.get('EURJPY 2024-07')).not.toBe(before.get('EURJPY 2024-07'));
    await seedBars(b.url, { pairs: ['EURJPY'], from: '2024-07', seed: 7 });
    expect(await fingerprints(b, ['EURJPY'], '2024-07-01', '2024-08-01')).toEqual(before);
  });
});

describe('bqx seed: re-seeding is idempotent', () => {
  it('replaces the pair-months it writes, never duplicates, and leaves the rest alone', async () => {
    const all = () => fingerprints(a, ['GBPUSD', 'EURUSD', 'USDJPY'], '2024-01-01', '2026-01-01');
    const before = await all();
    // a stray bar inside the range (replaced) and one outside it (kept)
    await a.query(`insert into bqx.m1 values ('GBPUSD', '2024-08-03 12:00Z', 1.5), ('GBPUSD', '2024-10-02 12:00Z', 1.25)`);
    const r = await seedBars(a.url, { pairs: ['GBPUSD', 'EURUSD'], from: '2024-08', to: '2024-09', seed: 7 });
    expect(r.pairMonths).toBe(4);
    expect(r.bars).toBe(r.perPair.GBPUSD + r.perPair.EURUSD);
    const after = await all();
    after.delete('GBPUSD 2024-10');
    expect(after).toEqual(before);
    const kept = await a.query(`select rate from bqx.m1 where pair = 'GBPUSD' and ts_utc >= '2024-10-01'`);
    expect(kept.rows).toEqual([{ rate: 1.25 }]);
    const dup = await a.query(`select count(*)::int as n, count(distinct (pair, ts_utc))::int as d from bqx.m1`);
    expect(dup.rows[0].n).toBe(dup.rows[0].d);
  });
});

describe('bqx seed: bad arguments', () => {
  it('refuses an unknown or unregistered pair', async () => {
    await rejects({ pairs: ['EURXXX'], from: '2024-07' }, /unknown pair "EURXXX"/);
    await rejects({ pairs: 'EURUSD,XAUUSD', from: '2024-07' }, /unknown pair "XAUUSD"/);
    await rejects({ pairs: [], from: '2024-07' }, /at least one pair/);
  });
  it('refuses a bad month, a range out of order and a bad seed', async () => {
    await rejects({ pairs: ['EURUSD'], from: '2024-13' }, /from must be a month YYYY-MM, got "2024-13"/);
    await rejects({ pairs: ['EURUSD'], from: '24-07' }, /from must be a month YYYY-MM/);
    await rejects({ pairs: ['EURUSD'], from: '2024-07', to: '2024-7' }, /to must be a month YYYY-MM/);
    await rejects({ pairs: ['EURUSD'], from: '2025-06', to: '2024-07' }, /from \(2025-06\) is after to \(2024-07\)/);
    await rejects({ pairs: ['EURUSD'], from: '1999-12' }, /between 2000-01 and 2099-12/);
    await rejects({ pairs: ['EURUSD'], from: '2024-07', seed: -1 }, /seed must be an integer/);
    await rejects({ pairs: ['EURUSD'], from: '2024-07', connections: 3 }, /connections must be 1 or 2/);
  });
});
