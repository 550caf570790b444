// Live mode: the statement triggers on bqx.m1 keep bqx.bqx equal to a full recompute
// after any sequence of inserts (in order, out of order, bad bars, rejected duplicates),
// updates and deletes; concurrent writers of a pair end like a serial run; live mode
// can be switched off per pair and per session.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { describeEachEngine, useEngine } from './support/engines.js';
import { applyBars, expectFullRecompute, insertBars, MINUTE, newModel, rateText, type Bar, type Queryable } from './support/live-model.js';
import { eurSeries, jpySeries, mulberry32, randInt } from './support/random-series.js';

const BAD_RATES: (number | null)[] = [null, NaN, Infinity, -Infinity, 0, -1.2];

function series(pair: string, seed: number, n: number): number[] {
  return pair.endsWith('JPY') ? jpySeries(seed, n) : eurSeries(seed, n);
}

describeEachEngine('live triggers', (engine) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await testDatabase(`live_${engine}`);
    await useEngine(db, engine);
  });
  afterAll(async () => { await db?.end(); });

  it('property: after every random batch the stored rows equal a full recompute', async () => {
    const pairs = ['EURUSD', 'USDJPY', 'GBPUSD'];
    const rng = mulberry32(20240705);
    const model = newModel(pairs);
    // history crossing a month boundary, inserted live in one statement (a batch of 1,800 bars)
    const start = Date.UTC(2024, 5, 30, 19, 0);
    const first: Bar[] = [];
    pairs.forEach((pair, k) => {
      const rates = series(pair, 100 + k, 600);
      rates.forEach((r, i) => first.push({ pair, ts: start + i * MINUTE, rate: rng() < 0.03 ? BAD_RATES[i % BAD_RATES.length] : r }));
    });
    await insertBars(db, first);
    applyBars(model, first);
    for (const p of pairs) await expectFullRecompute(db, model, p, 'initial load');

    const maxTs = (p: string) => Math.max(...model.get(p)!.keys());
    const minTs = (p: string) => Math.min(...model.get(p)!.keys());
    const someRate = (p: string) => series(p, randInt(rng, 1, 1e6), 1)[0] * (1 + (rng() - 0.5) * 0.002);
    const maybeBad = (p: string) => (rng() < 0.12 ? BAD_RATES[randInt(rng, 0, BAD_RATES.length - 1)] : someRate(p));
    const freeTs = (p: string) => {
      for (;;) {
        const t = minTs(p) + randInt(rng, 0, Math.floor((maxTs(p) - minTs(p)) / 1000)) * 1000;
        if (!model.get(p)!.has(t)) return t;
      }
    };
    const existing = (p: string) => {
      const keys = [...model.get(p)!.keys()];
      return keys[randInt(rng, 0, keys.length - 1)];
    };

    const counts: Record<string, number> = {};
    for (let batch = 0; batch < 45; batch++) {
      const pair = pairs[randInt(rng, 0, pairs.length - 1)];
      const kind = ['append', 'append', 'late', 'multi', 'duplicate', 'update', 'delete', 'far'][randInt(rng, 0, 7)];
      counts[kind] = (counts[kind] ?? 0) + 1;
      const ctx = `batch ${batch} (${kind} ${pair})`;
      if (kind === 'append') {
        const n = randInt(rng, 1, 40);
        const t0 = maxTs(pair) + randInt(rng, 1, 3) * MINUTE;
        const bars = Array.from({ length: n }, (_, i) => ({ pair, ts: t0 + i * MINUTE, rate: maybeBad(pair) }));
        await insertBars(db, bars);
        applyBars(model, bars);
      } else if (kind === 'late') {
        const bars = Array.from({ length: randInt(rng, 1, 8) }, () => ({ pair, ts: freeTs(pair), rate: maybeBad(pair) }));
        const unique = [...new Map(bars.map((b) => [b.ts, b])).values()];
        await insertBars(db, unique);
        applyBars(model, unique);
      } else if (kind === 'multi') {
        // the every-minute shape: one new bar per pair, plus a late one, in one statement
        const bars = pairs.flatMap((p) => [{ pair: p, ts: maxTs(p) + MINUTE, rate: maybeBad(p) }, { pair: p, ts: freeTs(p), rate: maybeBad(p) }]);
        await insertBars(db, bars);
        applyBars(model, bars);
      } else if (kind === 'duplicate') {
        const bars = [{ pair, ts: maxTs(pair) + MINUTE, rate: someRate(pair) }, { pair, ts: existing(pair), rate: someRate(pair) }];
        await expect(insertBars(db, bars)).rejects.toMatchObject({ code: '23505' });
      } else if (kind === 'update') {
        const keys = [...new Set(Array.from({ length: randInt(rng, 1, 6) }, () => existing(pair)))];
        const rates = keys.map(() => maybeBad(pair));
        await db.query(
          `update bqx.m1 m set rate = u.r from unnest($2::timestamptz[], $3::float8[]) as u(t, r)
            where m.pair = $1 and m.ts_utc = u.t`,
          [pair, keys.map((t) => new Date(t).toISOString()), rates.map(rateText)]);
        keys.forEach((t, i) => model.get(pair)!.set(t, rates[i]));
      } else if (kind === 'delete') {
        const keys = [...new Set(Array.from({ length: randInt(rng, 1, 6) }, () => existing(pair)))];
        await db.query(`delete from bqx.m1 where pair = $1 and ts_utc = any($2::timestamptz[])`,
          [pair, keys.map((t) => new Date(t).toISOString())]);
        keys.forEach((t) => model.get(pair)!.delete(t));
      } else {
        // two late bars far apart (separate islands) and a bar in a month with no leaf yet
        const month = Date.UTC(2024, 7 + batch, 1, 0, 0);
        const bars = [
          { pair, ts: freeTs(pair), rate: someRate(pair) },
          { pair, ts: freeTs(pair), rate: someRate(pair) },
          { pair, ts: month + randInt(rng, 0, 1000) * MINUTE, rate: someRate(pair) },
        ];
        const unique = [...new Map(bars.map((b) => [b.ts, b])).values()];
        await insertBars(db, unique);
        applyBars(model, unique);
      }
      for (const p of pairs) await expectFullRecompute(db, model, p, ctx);
    }
    // every kind of batch ran at least once with this seed
    expect(Object.keys(counts).sort()).toEqual(['append', 'delete', 'duplicate', 'far', 'late', 'multi', 'update']);
    // leaves were created on demand and are named like backfill's
    const leaves = await db.query(
      `select c.relname from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'bqx.bqx_eurusd'::regclass order by 1`);
    expect(leaves.rows.map((r) => r.relname)).toContain('bqx_eurusd_2024_06');
    expect(leaves.rows.map((r) => r.relname)).toContain('bqx_eurusd_2024_07');
  });

  it('an UPDATE moving a bar to another minute and a bar updated good -> bad lose their rows', async () => {
    const pair = 'AUDUSD';
    const model = newModel([pair]);
    const t0 = Date.UTC(2024, 2, 4, 10, 0);
    const bars = series(pair, 7, 200).map((rate, i) => ({ pair, ts: t0 + i * MINUTE, rate }));
    await insertBars(db, bars);
    applyBars(model, bars);
    await db.query(`update bqx.m1 set ts_utc = ts_utc + interval '30 seconds' where pair = $1 and ts_utc = $2`,
      [pair, new Date(t0 + 100 * MINUTE).toISOString()]);
    const m = model.get(pair)!;
    m.set(t0 + 100 * MINUTE + 30_000, m.get(t0 + 100 * MINUTE)!);
    m.delete(t0 + 100 * MINUTE);
    await db.query(`update bqx.m1 set rate = 'NaN' where pair = $1 and ts_utc = $2`, [pair, new Date(t0 + 120 * MINUTE).toISOString()]);
    m.set(t0 + 120 * MINUTE, NaN);
    await expectFullRecompute(db, model, pair, 'after updates');
  });

  it('is skipped for a pair switched off (set_live or UPDATE bqx.pairs) and for a session with bqx.live = off', async () => {
    const ts = (i: number) => new Date(Date.UTC(2024, 3, 1, 0, i)).toISOString();
    const count = async (pair: string) => Number((await db.query(`select count(*) from bqx.bqx where pair = $1`, [pair])).rows[0].count);
    const insert = (c: Queryable, pair: string, from: number, n: number) => c.query(
      `insert into bqx.m1 select $1, $2::timestamptz + i * interval '1 minute', 1 + i * 1e-4 from generate_series(0, $3 - 1) i`,
      [pair, ts(from), n]);

    expect((await db.query(`select bqx.set_live('nzdusd', false) as was`)).rows[0].was).toBe(true);
    await insert(db, 'NZDUSD', 0, 100);
    expect(await count('NZDUSD')).toBe(0);
    await db.query(`update bqx.pairs set live = false where pair = 'NZDCAD'`);
    await insert(db, 'NZDCAD', 0, 100);
    expect(await count('NZDCAD')).toBe(0);

    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query(`set bqx.live = 'off'`);
      await insert(c, 'NZDJPY', 0, 100);
      expect(await count('NZDJPY')).toBe(0);
      await c.query(`reset bqx.live`);
      await insert(c, 'NZDJPY', 100, 1);
      expect(await count('NZDJPY')).toBe(1);
      const notices: string[] = [];
      c.on('notice', (n) => notices.push(n.message ?? ''));
      expect((await c.query(`select bqx.set_live('NZDUSD', true) as was`)).rows[0].was).toBe(false);
      expect(notices.join('\n')).toMatch(/live mode is on again for NZDUSD/);
    } finally {
      await c.end();
    }
    await insert(db, 'NZDUSD', 100, 1);
    expect(await count('NZDUSD')).toBe(1);

    await expect(db.query(`select bqx.set_live('XXXYYY', true)`)).rejects.toMatchObject({ code: '22023' });
    await expect(db.query(`select bqx.set_live('EURUSD', null)`)).rejects.toMatchObject({ code: '22004' });
  });

  it('refuses REPEATABLE READ with a clear error, and accepts SERIALIZABLE', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query('begin isolation level repeatable read');
      await expect(c.query(`insert into bqx.m1 values ('CADCHF', '2024-05-01', 0.66)`))
        .rejects.toMatchObject({ code: '0A000', message: expect.stringMatching(/REPEATABLE READ/) });
      await c.query('rollback');
      await c.query('begin isolation level serializable');
      await c.query(`insert into bqx.m1 values ('CADCHF', '2024-05-01', 0.66)`);
      await c.query('commit');
      expect((await c.query(`select count(*)::int as n from bqx.bqx where pair = 'CADCHF'`)).rows[0].n).toBe(1);
    } finally {
      await c.end();
    }
  });

  it('two sessions inserting bars of the same pair at once end like a serial run', async () => {
    const pair = 'EURJPY';
    const model = newModel([pair]);
    const t0 = Date.UTC(2024, 6, 8, 0, 0);
    const rates = series(pair, 42, 600);
    const a = new pg.Client({ connectionString: db.url });
    const b = new pg.Client({ connectionString: db.url });
    await a.connect();
    await b.connect();
    try {
      // A writes the even minutes, B the odd ones, 10 bars a transaction, each holding its
      // transaction open a moment so the two overlap; B also sends some bars late.
      const writer = async (c: pg.Client, parity: number) => {
        for (let chunk = 0; chunk < 30; chunk++) {
          const bars: Bar[] = [];
          for (let i = chunk * 20 + parity; i < chunk * 20 + 20; i += 2) bars.push({ pair, ts: t0 + i * MINUTE, rate: rates[i] });
          if (parity === 1) bars.reverse();
          await c.query('begin');
          await insertBars(c, bars);
          await c.query('select pg_sleep(0.005)');
          await c.query('commit');
          applyBars(model, bars);
        }
      };
      await Promise.all([writer(a, 0), writer(b, 1)]);
      // multi-pair statements in opposite pair order must not deadlock
      const multi = (c: pg.Client, pairs: string[], minute: number) => insertBars(c, pairs.map((p) => ({ pair: p, ts: t0 + minute * MINUTE, rate: 1.5 })));
      for (let i = 0; i < 10; i++) {
        await Promise.all([multi(a, ['AUDCAD', 'CADJPY', 'USDCHF'], 1000 + 2 * i), multi(b, ['USDCHF', 'CADJPY', 'AUDCAD'], 1001 + 2 * i)]);
      }
    } finally {
      await a.end();
      await b.end();
    }
    await expectFullRecompute(db, model, pair, 'after concurrent writers');
    const n = await db.query(`select count(*)::int as n from bqx.bqx where pair in ('AUDCAD', 'CADJPY', 'USDCHF')`);
    expect(n.rows[0].n).toBe(60);
  });
});
