// bqx import: dirty files counted line by line, re-import is a no-op, time zones
// (fixed offsets and IANA zones across DST changes), and the real HistData 2019 files
// imported, backfilled and verified.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeSource, importFile } from '../scripts/import/loader.js';
import { pairFromFileName, parseHistdataLine } from '../scripts/import/formats.js';
import { backfillCommand } from '../scripts/import/plan.js';
import { parseTimeZone } from '../scripts/import/timezone.js';
import { testDatabase, type TestDb } from './support/db.js';
import { HISTDATA_FIXTURE_LINES, HISTDATA_FIXTURE_MONTHS, histdataZip } from './support/histdata.js';

const FIXTURES = new URL('./fixtures/import/', import.meta.url).pathname;
const DIRTY = join(FIXTURES, 'DAT_ASCII_EURUSD_M1_DIRTY.csv');
const DST = join(FIXTURES, 'dst_bars.csv');

let db: TestDb;
let client: pg.Client;

beforeAll(async () => {
  db = await testDatabase('import');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await db?.end();
});

async function bars(pair: string): Promise<[string, number | null][]> {
  const r = await db.query(
    `select to_char(ts_utc at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as t, rate from bqx.m1 where pair = $1 order by ts_utc`, [pair]);
  return r.rows.map((x) => [x.t, x.rate]);
}

describe('parsers and helpers', () => {
  it('reads the pair from HistData names', () => {
    expect(pairFromFileName('/x/HISTDATA_COM_ASCII_EURUSD_M12019.zip')).toBe('EURUSD');
    expect(pairFromFileName('DAT_ASCII_USDJPY_M1_2019.csv')).toBe('USDJPY');
    expect(pairFromFileName('gbpjpy-2020.csv')).toBe('GBPJPY');
    expect(pairFromFileName('2019.csv')).toBeUndefined();
  });
  it('parses a HistData line, close = rate', () => {
    expect(parseHistdataLine('20190101 170200;1.145980;1.145990;1.145970;1.145985;0'))
      .toEqual({ kind: 'bar', localMs: Date.UTC(2019, 0, 1, 17, 2), rate: 1.145985, text: '1.145985' });
    expect(parseHistdataLine('20190229 170200;1;1;1;1;0').kind).toBe('malformed'); // not a leap year
    expect(parseHistdataLine('20200229 170200;1;1;1;1;0').kind).toBe('bar');
  });
  it('groups months into backfill runs, in SQL; pairs sharing a run share a command', async () => {
    const r = await db.query(`select pairs, month_from, month_to from bqx_internal.import_backfill_plan($1, $2)`,
      [['EURUSD', 'EURUSD', 'EURUSD', 'EURUSD', 'EURUSD', 'USDJPY', 'USDJPY'],
        ['2019-03', '2019-01', '2019-02', '2019-12', '2020-01', '2019-01', '2019-02']]);
    expect(r.rows.map((x) => [x.pairs, x.month_from, x.month_to])).toEqual([
      [['USDJPY'], '2019-01', '2019-02'], [['EURUSD'], '2019-01', '2019-03'], [['EURUSD'], '2019-12', '2020-01']]);
    expect(backfillCommand({ pairs: ['EURUSD', 'USDJPY'], from: '2019-01', to: '2019-02' }))
      .toBe('bqx backfill --pairs EURUSD,USDJPY --from 2019-01 --to 2019-02 --force');
  });
  it('converts IANA local times around DST with the documented rule', () => {
    const ny = parseTimeZone('America/New_York');
    const utc = (y: number, mo: number, d: number, h: number, mi: number) =>
      new Date(ny.toUtc(Date.UTC(y, mo - 1, d, h, mi))).toISOString().slice(0, 16);
    expect(utc(2019, 3, 10, 1, 59)).toBe('2019-03-10T06:59'); // EST
    expect(utc(2019, 3, 10, 2, 30)).toBe('2019-03-10T07:30'); // nonexistent: offset before the change
    expect(utc(2019, 3, 10, 3, 0)).toBe('2019-03-10T07:00');  // EDT
    expect(utc(2019, 11, 3, 1, 30)).toBe('2019-11-03T05:30'); // ambiguous: the earlier instant (EDT)
    expect(utc(2019, 11, 3, 2, 0)).toBe('2019-11-03T07:00');  // EST
    expect(utc(2019, 7, 1, 12, 0)).toBe('2019-07-01T16:00');
    expect(parseTimeZone('+02:00').toUtc(Date.UTC(2019, 0, 1, 2))).toBe(Date.UTC(2019, 0, 1, 0));
    expect(() => parseTimeZone('Mars/Olympus')).toThrow(/unknown time zone/);
  });
});

describe('dirty files', () => {
  it('counts every kind of bad line, stores each bar once, and keeps existing bars', async () => {
    // already in the table: 10:00 EST = 15:00 UTC with the same rate, 10:04 with another one
    await db.query(`insert into bqx.m1 values ('EURUSD', '2019-01-02 15:00Z', 1.14), ('EURUSD', '2019-01-02 15:04Z', 1.2)`);
    const c = await importFile(client, DIRTY);
    expect({ ...c, seconds: 0, bytes: 0 }).toMatchObject({
      pair: 'EURUSD', format: 'histdata', tz: '-05:00',
      lines: 18, blank: 1, new: 4, identical: 1, changed: 1, updated: 0,
      dup_identical: 1, dup_conflicting: 1, malformed: 4, not_whole_minute: 1,
      non_numeric_rate: 3, bad_rate: 2, bad_time: 0, out_of_order: 1, monthsChanged: ['2019-01'],
    });
    expect(await bars('EURUSD')).toEqual([
      ['2019-01-02 15:00', 1.14], ['2019-01-02 15:01', 1.1401], ['2019-01-02 15:02', 1.14025],
      ['2019-01-02 15:03', 1.1403], ['2019-01-02 15:04', 1.2], ['2019-01-02 15:13', 1.1413],
    ]);
  });

  it('re-importing is a no-op; --update takes the file\'s rate for changed bars', async () => {
    const again = await importFile(client, DIRTY);
    expect(again).toMatchObject({ new: 0, identical: 5, changed: 1, updated: 0, monthsChanged: [] });
    const upd = await importFile(client, DIRTY, { update: true });
    expect(upd).toMatchObject({ new: 0, identical: 5, changed: 1, updated: 1, monthsChanged: ['2019-01'] });
    expect((await bars('EURUSD'))[4]).toEqual(['2019-01-02 15:04', 1.1404]);
    const third = await importFile(client, DIRTY, { update: true });
    expect(third).toMatchObject({ new: 0, identical: 6, changed: 0, updated: 0, monthsChanged: [] });
    expect((await bars('EURUSD')).length).toBe(6);
  });

  it('CSV with a header, quoted fields, CRLF and an IANA zone across both DST changes', async () => {
    const c = await importFile(client, DST, { pair: 'gbpusd', tsColumn: 'time', rateColumn: 'close', tz: 'America/New_York' });
    expect(c).toMatchObject({ pair: 'GBPUSD', format: 'csv', tz: 'America/New_York', lines: 8, new: 8, out_of_order: 3 });
    expect(await bars('GBPUSD')).toEqual([
      ['2019-03-10 06:59', 1.1], ['2019-03-10 07:00', 1.3], ['2019-03-10 07:30', 1.2],
      ['2019-07-01 11:00', 1.8], ['2019-07-01 12:00', 1.7],
      ['2019-11-03 04:59', 1.4], ['2019-11-03 05:30', 1.5], ['2019-11-03 07:00', 1.6],
    ]);
  });

  it('a fixed --tz moves every bar by exactly that offset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bqx-import-'));
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) {
      const t = new Date(Date.UTC(2019, 2, 31, 20, 0) + i * 60_000); // crosses a day and a month end
      const p = (n: number) => String(n).padStart(2, '0');
      lines.push(`${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())} ${p(t.getUTCHours())}${p(t.getUTCMinutes())}00;1;1;1;${(1 + i / 1e4).toFixed(5)};0`);
    }
    const file = join(dir, 'DAT_ASCII_AUDUSD_M1_TZ.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    await importFile(client, file, { tz: '+02:00' });
    await importFile(client, file, { pair: 'NZDUSD' }); // default -05:00
    await importFile(client, file, { pair: 'USDCAD', tz: 'UTC' });
    const r = await db.query(`
      select a.pair, pg_catalog.count(*) as n,
             pg_catalog.min(extract(epoch from (u.ts_utc - a.ts_utc)) / 3600) as lo,
             pg_catalog.max(extract(epoch from (u.ts_utc - a.ts_utc)) / 3600) as hi
        from bqx.m1 a join bqx.m1 u on u.pair = 'USDCAD' and u.rate = a.rate
       where a.pair in ('AUDUSD', 'NZDUSD') group by a.pair order by a.pair`);
    expect(r.rows.map((x) => [x.pair, Number(x.n), Number(x.lo), Number(x.hi)])).toEqual([
      ['AUDUSD', 500, 2, 2], ['NZDUSD', 500, -5, -5],
    ]);
  });

  it('straight into bqx.m1 or through the staging merge: the same bars and the same counts', async () => {
    // AUDJPY holds nothing: one binary COPY into bqx.m1. NZDJPY already holds one of the
    // file's bars (same rate): the staging path classifies it as identical.
    await db.query(`insert into bqx.m1 values ('NZDJPY', '2019-01-02 15:01Z', 1.1401)`);
    const direct = await importFile(client, DIRTY, { pair: 'AUDJPY' });
    const merged = await importFile(client, DIRTY, { pair: 'NZDJPY' });
    const lineCounts = (c: typeof direct) => ({ ...c, pair: '', new: 0, identical: 0, seconds: 0 });
    expect(lineCounts(merged)).toEqual(lineCounts(direct));
    expect(direct).toMatchObject({ new: 6, identical: 0, changed: 0, dup_identical: 1, dup_conflicting: 1, monthsChanged: ['2019-01'] });
    expect(merged).toMatchObject({ new: 5, identical: 1, changed: 0, monthsChanged: ['2019-01'] });
    expect(await bars('NZDJPY')).toEqual(await bars('AUDJPY'));
    expect((await bars('AUDJPY')).map((b) => b[1])).toEqual([1.14, 1.1401, 1.14025, 1.1403, 1.1404, 1.1413]);
  });

  it('a bar another session stores during the import is kept: the direct COPY falls back to the merge', async () => {
    // Another writer holds an uncommitted bar of the file's range: the import's check
    // cannot see it, its COPY waits on it, then hits the primary key when it commits.
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`insert into bqx.m1 values ('CADJPY', '2019-01-02 15:03Z', 1.5)`);
      const running = importFile(client, DIRTY, { pair: 'CADJPY' });
      // wait until the import's COPY is blocked on the other transaction
      for (let i = 0; ; i++) {
        const w = await db.query(`select count(*)::int as n from pg_catalog.pg_stat_activity
                                   where wait_event_type = 'Lock' and query ilike 'copy bqx.m1%'`);
        if (w.rows[0].n > 0) break;
        if (i > 200) throw new Error('the import never waited on the other session');
        await new Promise((r) => setTimeout(r, 25));
      }
      await other.query('commit');
      const c = await running;
      expect(c).toMatchObject({ new: 5, identical: 0, changed: 1, monthsChanged: ['2019-01'] });
      expect((await bars('CADJPY')).map((b) => b[1])).toEqual([1.14, 1.1401, 1.14025, 1.5, 1.1404, 1.1413]);
    } finally {
      await other.end();
    }
  });

  it('a damaged or truncated zip: 22P04, nothing stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bqx-import-'));
    const zip = readFileSync(histdataZip('EURUSD', 2019));
    const damaged = Buffer.from(zip);
    damaged.fill(0xff, zip.length >> 1, (zip.length >> 1) + 1_000); // inside the deflated CSV
    const truncated = zip.subarray(0, zip.length >> 1);
    const before = (await db.query(`select count(*)::int as n from bqx.m1`)).rows[0].n;
    for (const [name, bytes, message] of [['damaged', damaged, /is damaged/], ['truncated', truncated, /not a readable zip/]] as const) {
      const file = join(dir, `HISTDATA_COM_ASCII_EURUSD_M1${name}.zip`);
      writeFileSync(file, bytes);
      const err = await importFile(client, file).catch((e) => e);
      expect(err, name).toMatchObject({ code: '22P04', message: expect.stringMatching(message), hint: expect.stringContaining('Download the file again') });
    }
    expect((await db.query(`select count(*)::int as n from bqx.m1`)).rows[0].n).toBe(before);
  });

  it('errors: unknown pair from a file name, missing CSV columns', async () => {
    await expect(importFile(client, DST, { pair: 'XXXYYY', tsColumn: 'time', rateColumn: 'close' }))
      .rejects.toMatchObject({ code: '22023' });
    await expect(importFile(client, DST, { pair: 'EURUSD', tsColumn: 'when', rateColumn: 'close' }))
      .rejects.toMatchObject({ code: '42703' });
    await expect(importFile(client, DST, { pair: 'EURUSD' })).rejects.toMatchObject({ code: '22023' });
    // a pair read from the file name and refused by check_pair: said of the name, with how to name it
    const named = join(mkdtempSync(join(tmpdir(), 'bqx-import-')), 'DAT_ASCII_XXXYYY_M1_2019.csv');
    writeFileSync(named, readFileSync(DST));
    await expect(importFile(client, named, { tsColumn: 'time', rateColumn: 'close' })).rejects.toMatchObject({
      name: 'UserError', code: '22023', message: `${named}: pair "XXXYYY" taken from the file name: unknown pair 'XXXYYY'`,
      detail: 'The pair is not in the registry bqx.pairs.', hint: 'Name the pair with --pair, for example --pair EURUSD.',
    });
  });

  it('the CLI prints the table of counts and the backfill command', async () => {
    const run = promisify(execFile);
    const r = await run('npx', ['tsx', 'scripts/cli.ts', 'import', DIRTY, '--pair', 'CHFJPY'],
      { env: { ...process.env, DATABASE_URL: db.url }, cwd: new URL('..', import.meta.url).pathname });
    expect(r.stdout).toMatch(/\| malformed lines \(rejected\)\s+\|\s+4 \|/);
    expect(r.stdout).toContain('bqx backfill --pairs CHFJPY --from 2019-01 --to 2019-01 --force');
    const again = await run('npx', ['tsx', 'scripts/cli.ts', 'import', DIRTY, '--pair', 'CHFJPY'],
      { env: { ...process.env, DATABASE_URL: db.url }, cwd: new URL('..', import.meta.url).pathname });
    expect(again.stdout).toContain('nothing changed in bqx.m1');
  }, 120_000);
});

describe('real HistData 2019 files (the excerpt: 2019-01 and 2019-02)', () => {
  it('imports, backfills and verifies EURUSD and USDJPY; counts add up', async () => {
    for (const pair of ['EURUSD', 'USDJPY'] as const) {
      // (EURUSD already holds the 6 bars of the dirty tests: identical or changed, kept)
      const c = await importFile(client, histdataZip(pair, 2019));
      expect(c.lines).toBe(HISTDATA_FIXTURE_LINES[pair]); // the fixture README's line counts
      const rejected = c.malformed + c.not_whole_minute + c.non_numeric_rate + c.bad_rate + c.bad_time;
      expect(c.new).toBe(c.lines - rejected - c.dup_identical - c.dup_conflicting - c.identical - c.changed);
      const stored = await db.query(`select count(*)::int as n from bqx.m1 where pair = $1`, [pair]);
      expect(stored.rows[0].n).toBe(c.new + c.identical + c.changed);
      expect(c.monthsChanged).toEqual(HISTDATA_FIXTURE_MONTHS);
      // re-import: nothing new
      const again = await importFile(client, histdataZip(pair, 2019));
      expect(again).toMatchObject({ new: 0, changed: c.changed, identical: c.new + c.identical, monthsChanged: [] });
    }
    await analyzeSource(client);
    const months: [string, string][] = [['EURUSD', '2019-01'], ['EURUSD', '2019-02'], ['USDJPY', '2019-01'], ['USDJPY', '2019-02']];
    for (const [pair, month] of months) await db.query(`call bqx.backfill($1, $2)`, [pair, month]);
    for (const [pair, month] of months) {
      const r = await db.query(`select * from bqx.verify($1, $2, 100)`, [pair, month]);
      const failed = r.rows.filter((x) => !x.ok);
      expect(failed, `${pair} ${month}: ${JSON.stringify(failed)}`).toEqual([]);
      expect(r.rows.map((x) => x.check)).toEqual(
        ['partition', 'row_count', 'no_orphan_rows', 'rate_matches', 'nulls_history_only', 'finite', 'sample_recompute']);
    }
  }, 300_000);
});
