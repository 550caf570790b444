// CALL bqx.backfill(pair, month): idempotent, atomic for readers, independent of the
// session TimeZone, and strict about its arguments.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { describeEachEngine, useEngine } from './support/engines.js';
import { eurSeries } from './support/random-series.js';
import { loadBars, weekdayMinutes } from './support/bars.js';

let db: TestDb;
const ts = weekdayMinutes(new Date(Date.UTC(2024, 5, 28)), new Date(Date.UTC(2024, 7, 1)), 2);
const rates = eurSeries(17, ts.length);

const monthRows = `select * from bqx.bqx where pair = 'EURUSD' and ts_utc >= '2024-07-01T00:00Z' and ts_utc < '2024-08-01T00:00Z'`;

async function diffCount(a: string, b: string): Promise<number> {
  const r = await db.query(`select count(*)::int as n from ((${a} except all ${b}) union all (${b} except all ${a})) d`);
  return r.rows[0].n;
}

describeEachEngine('CALL bqx.backfill', (engine) => {
  beforeAll(async () => {
    db = await testDatabase(`backfill_${engine}`);
    await useEngine(db, engine);
    await loadBars(db, 'EURUSD', ts, rates);
  });
  afterAll(async () => { await db?.end(); });

  it('writes the month, reports rows and bad bars, and running it twice gives identical rows', async () => {
    const first = await db.query(`call bqx.backfill('EURUSD', '2024-07')`);
    expect(first.fields.map((f) => f.name)).toEqual(['rows_written', 'bad_bars', 'engine']);
    const expected = ts.filter((t) => t >= new Date('2024-07-01T00:00Z')).length;
    expect(Number(first.rows[0].rows_written)).toBe(expected);
    expect(Number(first.rows[0].bad_bars)).toBe(0);
    await db.query(`create table public.first_run as ${monthRows}`);
    await db.query(`call bqx.backfill('EURUSD', '2024-07')`);
    expect(await diffCount(monthRows, 'select * from public.first_run')).toBe(0);
    const dup = await db.query(`select count(*)::int as n, count(distinct ts_utc)::int as d from bqx.bqx where pair = 'EURUSD'`);
    expect(dup.rows[0].n).toBe(expected);
    expect(dup.rows[0].d).toBe(expected);
    // the leaf carries the spec's name, visible to the seed's monitoring queries
    const leaf = await db.query(`select relname from pg_stat_user_tables where schemaname = 'bqx' and relname = 'bqx_eurusd_2024_07'`);
    expect(leaf.rowCount).toBe(1);
    // no stage tables left behind
    const stages = await db.query(`select count(*)::int as n from pg_tables where schemaname = 'bqx_internal' and tablename like 'stage\\_%'`);
    expect(stages.rows[0].n).toBe(0);
  });

  it('accepts a lower-case pair', async () => {
    const r = await db.query(`call bqx.backfill('eurusd', '2024-07')`);
    expect(Number(r.rows[0].rows_written)).toBeGreaterThan(0);
    expect(await diffCount(monthRows, 'select * from public.first_run')).toBe(0);
  });

  it('gives the same rows whatever the session TimeZone is', async () => {
    for (const zone of ['America/New_York', 'Asia/Tokyo', 'Pacific/Chatham']) {
      const c = await db.pool.connect();
      try {
        await c.query(`set timezone = '${zone}'`);
        await c.query(`call bqx.backfill('EURUSD', '2024-07')`);
      } finally {
        c.release();
      }
      expect(await diffCount(monthRows, 'select * from public.first_run'), zone).toBe(0);
      const bounds = await db.query(`select min(ts_utc) = '2024-07-01T00:00Z' as starts, max(ts_utc) < '2024-08-01T00:00Z' as ends from bqx.bqx_eurusd_2024_07`);
      expect(bounds.rows[0]).toEqual({ starts: true, ends: true });
    }
  });

  it('lets a concurrent reader see the old month or the new one, never a mix or duplicates', async () => {
    // Two versions of the month's source: the reader must only ever see one of them whole.
    const versions = new Map<string, number>();
    const snapshot = async () => {
      const r = await db.query(`select count(*)::int as n, sum(w75_bqx_return::numeric)::text as s from bqx.bqx where pair = 'EURUSD' and ts_utc >= '2024-07-01T00:00Z' and ts_utc < '2024-08-01T00:00Z'`);
      return `${r.rows[0].n}|${r.rows[0].s}`;
    };
    versions.set(await snapshot(), 1);
    const reader = new pg.Client({ connectionString: db.url });
    await reader.connect();
    const seen = new Set<string>();
    let stop = false;
    const reading = (async () => {
      while (!stop) {
        const r = await reader.query(`select count(*)::int as n, count(distinct ts_utc)::int as d, sum(w75_bqx_return::numeric)::text as s from bqx.bqx where pair = 'EURUSD' and ts_utc >= '2024-07-01T00:00Z' and ts_utc < '2024-08-01T00:00Z'`);
        expect(r.rows[0].n).toBe(r.rows[0].d);
        seen.add(`${r.rows[0].n}|${r.rows[0].s}`);
      }
    })();
    try {
      for (let i = 0; i < 4; i++) {
        // flip the source between the full month and the month minus its second half-week
        if (i % 2 === 0) await db.query(`update bqx.m1 set rate = -rate where pair = 'EURUSD' and ts_utc >= '2024-07-10' and ts_utc < '2024-07-12'`);
        else await db.query(`update bqx.m1 set rate = -rate where pair = 'EURUSD' and rate < 0`);
        await db.query(`call bqx.backfill('EURUSD', '2024-07')`);
        versions.set(await snapshot(), i);
      }
    } finally {
      stop = true;
      await reading;
      await reader.end();
    }
    expect(versions.size).toBe(2);
    for (const s of seen) expect(versions.has(s), `reader saw a state that no backfill produced: ${s}`).toBe(true);
    expect(await diffCount(monthRows, 'select * from public.first_run')).toBe(0);
  });

  describe('rejects bad arguments with a SQLSTATE and changes nothing', () => {
    const cases: [string, string | null, string | null, string, RegExp][] = [
      ['unknown pair', 'XXXYYY', '2024-07', '22023', /unknown pair/],
      ['malformed pair', 'EUR/USD', '2024-07', '22023', /invalid pair/],
      ['NULL pair', null, '2024-07', '22004', /pair must not be NULL/],
      ['month 13', 'EURUSD', '2024-13', '22008', /month out of range/],
      ['month 00', 'EURUSD', '2024-00', '22008', /month out of range/],
      ['two-digit year', 'EURUSD', '24-07', '22007', /invalid month/],
      ['one-digit month', 'EURUSD', '2024-7', '22007', /invalid month/],
      ['a date, not a month', 'EURUSD', '2024-07-01', '22007', /invalid month/],
      ['NULL month', 'EURUSD', null, '22004', /month must not be NULL/],
      ['a month without bars', 'EURUSD', '2023-01', 'P0002', /no source bars/],
    ];
    it.each(cases)('%s', async (_label, pair, month, sqlstate, message) => {
      const before = await db.query(`select (select count(*) from bqx.bqx)::int as rows, (select count(*) from pg_class where relname like 'bqx\\_%')::int as rels`);
      const err = await db.query(`call bqx.backfill($1, $2)`, [pair, month]).then(() => null, (e: pg.DatabaseError) => e);
      expect(err, 'expected an error').not.toBeNull();
      expect(err!.code).toBe(sqlstate);
      expect(err!.message).toMatch(message);
      expect(err!.hint ?? '').not.toBe('');
      const after = await db.query(`select (select count(*) from bqx.bqx)::int as rows, (select count(*) from pg_class where relname like 'bqx\\_%')::int as rels`);
      expect(after.rows[0]).toEqual(before.rows[0]);
    });
  });
});
