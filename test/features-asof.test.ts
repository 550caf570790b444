// bqx.features_asof = a naive "max(ts_utc) <= t" SQL on random points (before a pair's
// first bar, inside weekend gaps, exactly on a bar, a microsecond before one, after the
// last bar, pairs without bars); each point is a primary-key descent, never a month scan;
// readers may call it; bad arguments raise with a SQLSTATE.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_COLUMNS } from '../plv8-src/spec.js';
import { loadBars } from './support/bars.js';
import { testDatabase, type TestDb } from './support/db.js';
import { readHistdataCloses } from './support/histdata.js';
import { minuteTimestamps, mulberry32, smoothSeries } from './support/random-series.js';

const PAIRS = ['EURUSD', 'USDJPY'];
const EMPTY = 'GBPUSD'; // registered, never given a bar
const BARS = 40_000; // January and the first days of February 2019

let db: TestDb;
const barTimes: Record<string, number[]> = {};

beforeAll(async () => {
  db = await testDatabase('features_asof');
  for (const pair of PAIRS) {
    const bars = await readHistdataCloses(pair, 2019, BARS);
    const byTime = new Map<number, number>(); // the file's duplicate lines: the last wins
    bars.ts.forEach((t, i) => byTime.set(t.getTime(), bars.rate[i]));
    const times = [...byTime.keys()].sort((a, b) => a - b);
    barTimes[pair] = times;
    await loadBars(db, pair, times.map((t) => new Date(t)), times.map((t) => byTime.get(t) as number));
    for (const month of ['2019-01', '2019-02']) await db.query(`call bqx.backfill($1, $2)`, [pair, month]);
  }
  await db.query('analyze bqx.bqx');
}, 300_000);

afterAll(async () => { await db?.end(); });

/** random points of every kind, as (pair, at ISO with microseconds) */
function points(n: number, seed: number): { pairs: string[]; at: string[] } {
  const rng = mulberry32(seed);
  const pairs: string[] = [];
  const at: string[] = [];
  const iso = (ms: number, us = 0) => new Date(ms).toISOString().replace('Z', `${String(us).padStart(3, '0')}Z`);
  for (let i = 0; i < n; i++) {
    const kind = Math.floor(rng() * 8);
    const pair = kind === 7 ? EMPTY : PAIRS[Math.floor(rng() * PAIRS.length)];
    const ts = barTimes[PAIRS[0]];
    const bars = barTimes[pair] ?? ts;
    const first = bars[0];
    const last = bars[bars.length - 1];
    const onBar = bars[Math.floor(rng() * bars.length)];
    let t: string;
    switch (kind) {
      case 0: t = iso(onBar); break; // exactly on a bar
      case 1: t = iso(onBar - 1, 999); break; // one microsecond before a bar
      case 2: t = iso(first - Math.floor(rng() * 3 * 86_400_000)); break; // before the first bar
      case 3: t = iso(Date.UTC(2019, 0, 5 + 7 * Math.floor(rng() * 4), Math.floor(rng() * 24), Math.floor(rng() * 60), 30)); break; // Saturdays
      case 4: t = iso(last + Math.floor(rng() * 10 * 86_400_000)); break; // after the last bar
      default: t = iso(first + Math.floor(rng() * (last - first)), Math.floor(rng() * 1000)); // anywhere, off the minute
    }
    pairs.push(rng() < 0.1 ? pair.toLowerCase() : pair);
    at.push(t);
  }
  return { pairs, at };
}

const COLUMNS = ['ts_utc', 'rate', ...FEATURE_COLUMNS];

describe('bqx.features_asof', () => {
  it('equals the naive max(ts_utc) <= t on 3,000 random points of every kind, column for column', async () => {
    const { pairs, at } = points(3000, 42);
    const r = await db.query(`
      with p as (select * from unnest($1::text[], $2::timestamptz[]) with ordinality as p (pair, at, point)),
      naive as (
        select p.point, upper(p.pair) as pair, p.at, ${COLUMNS.map((c) => `b.${c}`).join(', ')}
          from p left join bqx.bqx b
            on b.pair = upper(p.pair)
           and b.ts_utc = (select max(x.ts_utc) from bqx.bqx x where x.pair = upper(p.pair) and x.ts_utc <= p.at)),
      asof as (select * from bqx.features_asof($1, $2))
      select (select count(*) from asof)::int as n,
             (select count(*) from asof a join naive n using (point)
               where (a.pair, a.at, ${COLUMNS.map((c) => `a.${c}`).join(', ')}) is not distinct from
                     (n.pair, n.at, ${COLUMNS.map((c) => `n.${c}`).join(', ')}))::int as same,
             (select count(*) from asof where ts_utc is null)::int as no_bar,
             (select count(*) from asof where ts_utc > at)::int as look_ahead,
             (select count(*) from asof a join p using (point) where a.ts_utc = p.at)::int as on_bar,
             (select array_agg(point order by point) = array_agg(point) from asof) as in_order`, [pairs, at]);
    const x = r.rows[0];
    expect(x).toMatchObject({ n: 3000, same: 3000, look_ahead: 0, in_order: true });
    expect(x.no_bar).toBeGreaterThan(300); // the empty pair and the points before the first bars
    expect(x.on_bar).toBeGreaterThan(300);
  });

  it('a point exactly on a bar gets that bar; a microsecond earlier gets the bar before it', async () => {
    const [t0, t1] = barTimes.EURUSD.slice(1000, 1002).map((t) => new Date(t).toISOString());
    const r = await db.query(`select point, ts_utc from bqx.features_asof(array['EURUSD','EURUSD'], array[$1::timestamptz, $1::timestamptz - interval '1 microsecond'])`, [t1]);
    expect(r.rows.map((x) => x.ts_utc.toISOString())).toEqual([t1, t0]);
  });

  it('looks each point up through a primary key, never scanning a month', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const plans: string[] = [];
    c.on('notice', (m) => { if (/Query Text/.test(String(m.message))) plans.push(String(m.message)); });
    try {
      await c.query(`load 'auto_explain'`);
      await c.query(`set auto_explain.log_min_duration = 0`);
      await c.query(`set auto_explain.log_nested_statements = on`);
      await c.query(`set auto_explain.log_analyze = on`);
      await c.query(`set client_min_messages = log`);
      const { pairs, at } = points(500, 7);
      await c.query(`select * from bqx.features_asof($1, $2)`, [pairs, at]);
    } finally {
      await c.end();
    }
    const plan = plans.find((p) => /bqx\.bqx x/.test(p)) ?? '';
    expect(plan).toMatch(/Index (Only )?Scan Backward using bqx_eurusd_2019_0\d_pkey/);
    expect(plan).toMatch(/Index Cond: \(\(pair = .+\) AND \(ts_utc <= q0?\.at\)\)/);
    expect(plan).not.toMatch(/Seq Scan on bqx_/);
    expect(plan).not.toMatch(/Sort.*\n.*bqx_(eurusd|usdjpy)/);
    // every probe stops at the first row: the rows an index scan returns are at most one per point
    const returned = [...plan.matchAll(/Index (?:Only )?Scan Backward using bqx_\w+_pkey on \w+ \w+ .*?\(actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)\)/g)]
      .reduce((s, m) => s + Number(m[1]) * Number(m[2]), 0);
    expect(returned).toBeGreaterThan(0);
    expect(returned).toBeLessThanOrEqual(500);
  });

  it('readers may call it', async () => {
    const c = await db.pool.connect();
    try {
      await c.query('set role bqx_reader');
      const r = await c.query(`select count(ts_utc)::int as n from bqx.features_asof(array['EURUSD', 'GBPUSD'], array[now(), now()])`);
      expect(r.rows[0].n).toBe(1);
    } finally {
      await c.query('reset role');
      c.release();
    }
  });

  it('bad arguments raise with a SQLSTATE, DETAIL and HINT', async () => {
    const err = async (sql: string, code: string, message: RegExp) => {
      const e = await db.query(sql).then(() => null, (x: unknown) => x as { code: string; message: string; hint?: string });
      expect(e).toMatchObject({ code, message: expect.stringMatching(message) });
      expect(e?.hint).toBeTruthy();
    };
    await err(`select * from bqx.features_asof(array['EURUSD'], array[now(), now()])`, '22023', /differ in length: 1 vs 2/);
    await err(`select * from bqx.features_asof(array['EURUSD', null], array[now(), now()])`, '22004', /must not contain NULL/);
    await err(`select * from bqx.features_asof(array['EURUSD'], null)`, '22004', /must not be NULL/);
    await err(`select * from bqx.features_asof(array['XXXYYY', 'EURUSD'], array[now(), now()])`, '22023', /unknown pair\(s\) XXXYYY/);
    const empty = await db.query(`select count(*)::int as n from bqx.features_asof('{}', '{}')`);
    expect(empty.rows[0].n).toBe(0);
  });
});
