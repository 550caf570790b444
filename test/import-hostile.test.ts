// Hostile input never breaks a month, a feed or an import (issue #12): extreme rates,
// dates out of range, a zip with two bar files, files that store nothing, bad `source`
// settings and malformed source views. Each case was reproduced first, then fixed.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '../scripts/import/loader.js';
import { backfillPlan } from '../scripts/import/plan.js';
import { loadBars, monthBounds, weekdayMinutes } from './support/bars.js';
import { testDatabase, type TestDb } from './support/db.js';
import { makeZip } from './import-zip.js';

const ROOT = new URL('..', import.meta.url).pathname;
let db: TestDb;
let client: pg.Client;
let dir: string;
let plv8 = false;

beforeAll(async () => {
  db = await testDatabase('import_hostile');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  dir = mkdtempSync(join(tmpdir(), 'bqx-hostile-'));
  plv8 = (await db.query(`select exists (select from pg_extension where extname = 'plv8') as ok`)).rows[0].ok;
});
afterAll(async () => {
  await client?.end();
  await db?.end();
});

async function bars(pair: string): Promise<[string, number][]> {
  const r = await db.query(
    `select to_char(ts_utc at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as t, rate from bqx.m1 where pair = $1 order by ts_utc`, [pair]);
  return r.rows.map((x) => [x.t, x.rate]);
}

async function failedChecks(pair: string, month: string): Promise<string[]> {
  const r = await db.query(`select * from bqx.verify($1, $2, 50)`, [pair, month]);
  return r.rows.filter((x) => !x.ok).map((x) => `${x.check}: ${x.detail}`);
}

function file(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A random walk of good rates on weekday minutes, with the given rates at the given indexes. */
function series(from: string, to: string, step: number, bad: Record<number, number> = {}): { ts: Date[]; rates: number[] } {
  const ts = weekdayMinutes(new Date(from), new Date(to), step);
  let r = 1.2;
  const rates = ts.map((_, i) => {
    r *= 1 + Math.sin(i * 1.7) * 1e-4;
    return bad[i] ?? r;
  });
  return { ts, rates };
}

const EXTREME = [1e308, 1.79e308, 1e-300, 1.1e-320, 1e10, 1e-10, 0, -1];

describe('1. extreme rates are bad bars in every engine and in live mode', () => {
  it('a month and the next one backfill and verify with 1e308, 1e-300, 1.1e-320 ... among their bars and in their lookback', async () => {
    // extremes at the end of June (the lookback of July) and inside July
    const bad: Record<number, number> = {};
    const s0 = series('2024-06-20T00:00Z', '2024-07-10T00:00Z', 10);
    const july = s0.ts.findIndex((t) => t >= new Date('2024-07-01T00:00Z'));
    EXTREME.forEach((x, k) => { bad[july - 20 + k] = x; bad[july + 30 + k * 7] = x; });
    const { ts, rates } = series('2024-06-20T00:00Z', '2024-07-10T00:00Z', 10, bad);
    await loadBars(db, 'AUDCAD', ts, rates);
    const engines = plv8 ? ['sql', 'plv8'] : ['sql'];
    for (const engine of engines) {
      await db.query(`update bqx.settings set value = $1 where key = 'engine'`, [engine]);
      for (const month of ['2024-06', '2024-07']) {
        const r = await db.query(`call bqx.backfill('AUDCAD', $1)`, [month]);
        expect(r.rows[0], `${engine} ${month}`).toMatchObject({ engine, bad_bars: String(month === '2024-07' ? EXTREME.length : EXTREME.length) });
        expect(await failedChecks('AUDCAD', month), `${engine} ${month}`).toEqual([]);
      }
      const [from, to] = monthBounds('2024-07');
      const stored = await db.query(`select count(*)::int as n, count(*) filter (where rate > 1e9 or rate < 1e-9)::int as extreme
                                       from bqx.bqx where pair = 'AUDCAD' and ts_utc >= $1 and ts_utc < $2`, [from, to]);
      expect(stored.rows[0]).toEqual({ n: ts.filter((t) => t >= from && t < to).length - EXTREME.length, extreme: 0 });
    }
    await db.query(`update bqx.settings set value = 'auto' where key = 'engine'`);
  });

  it('live mode: an extreme bar is inserted, counted as bad, and the pair\'s feed goes on', async () => {
    for (const x of EXTREME) {
      await db.query(`insert into bqx.m1 values ('AUDCAD', '2024-07-10 00:00Z'::timestamptz + $1 * interval '1 minute', $2::float8)`,
        [EXTREME.indexOf(x), String(x)]);
    }
    await db.query(`insert into bqx.m1 values ('AUDCAD', '2024-07-10 00:30Z', 1.25)`);
    const r = await db.query(`select count(*)::int as n from bqx.bqx where pair = 'AUDCAD' and ts_utc >= '2024-07-10Z'`);
    expect(r.rows[0].n).toBe(1);
    expect(await failedChecks('AUDCAD', '2024-07')).toEqual([]);
  });
});

describe('2. and 3. times outside [1900-01-01, 2200-01-01) UTC are bad lines in both formats; nothing is committed before the last check', () => {
  it('bqx.m1 refuses them (CHECK m1_ts_utc_range)', async () => {
    for (const t of ['1899-12-31 23:59:59Z', '2200-01-01 00:00Z', '0024-07-06 00:00Z']) {
      await expect(db.query(`insert into bqx.m1 values ('CHFJPY', $1, 1)`, [t]), t).rejects.toMatchObject({ code: '23514' });
    }
    // (live off: the live path would give every month between the two bars a partition)
    await db.query(`begin; set local bqx.live = 'off';
                    insert into bqx.m1 values ('CHFJPY', '1900-01-01 00:00Z', 1), ('CHFJPY', '2199-12-31 23:59Z', 1); commit`);
  });

  it('HistData and CSV read the same instants, years 0000-0099 literally, and count the rest as bad_time', async () => {
    const hist = file('DAT_ASCII_EURCAD_M1_RANGE.csv', [
      '18991231 190000;1;1;1;1.5;0',  // 1900-01-01 00:00 UTC: the first instant
      '00000101 000000;1;1;1;1.6;0',  // year 0: not 1900, never a "duplicate" of the line above
      '00240706 120000;1;1;1;1.7;0',  // year 24, not 1924
      '18991231 185900;1;1;1;1.8;0',  // 1899-12-31 23:59 UTC
      '21991231 185900;1;1;1;2.1;0',  // 2199-12-31 23:59 UTC: the last minute
      '21991231 190000;1;1;1;2.2;0',  // 2200-01-01 00:00 UTC
      '99991231 235900;1;1;1;2.3;0',  // year 10000 UTC
      '19240706 070000;1;1;1;1.9;0',  // 1924-07-06 12:00 UTC
    ].join('\n'));
    const csv = file('gbpcad-range.csv', [
      'time,close',
      '1900-01-01 00:00,1.5', '0000-01-01 00:00,1.6', '0024-07-06 12:00,1.7', '1899-12-31 23:59,1.8',
      '2199-12-31 23:59,2.1', '2200-01-01 00:00,2.2', '9999-12-31 23:59,2.3', '1924-07-06 12:00,1.9',
      '1900-01-01 00:30+01:00,1.4', // 1899-12-31 23:30 UTC
    ].join('\n'));
    const h = await importFile(client, hist);
    const c = await importFile(client, csv, { pair: 'GBPCAD', tsColumn: 'time', rateColumn: 'close' });
    expect(h).toMatchObject({ lines: 8, new: 3, bad_time: 5, dup_identical: 0, dup_conflicting: 0, monthsChanged: ['1900-01', '1924-07', '2199-12'] });
    expect(c).toMatchObject({ lines: 9, new: 3, bad_time: 6, dup_identical: 0, dup_conflicting: 0, monthsChanged: ['1900-01', '1924-07', '2199-12'] });
    const expected = [['1900-01-01 00:00', 1.5], ['1924-07-06 12:00', 1.9], ['2199-12-31 23:59', 2.1]];
    expect(await bars('EURCAD')).toEqual(expected);
    expect(await bars('GBPCAD')).toEqual(expected);
  });

  it('the CLI reports a file with year-10000 and year-0 lines and prints its backfill (exit 0); a re-run finds nothing new', async () => {
    const f = file('DAT_ASCII_GBPCHF_M1_Y10K.csv', ['20190102 100000;1;1;1;1.14;0', '99991231 235900;1;1;1;1.2;0',
      '00000101 000000;1;1;1;1.3;0', '20190102 100100;1;1;1;1.15;0'].join('\n'));
    const run = promisify(execFile);
    const env = { ...process.env, DATABASE_URL: db.url };
    const r = await run('node', ['dist/bqx.js', 'import', f], { env, cwd: ROOT });
    expect(r.stdout).toMatch(/\| times outside \[1900-01-01, 2200-01-01\) UTC \(rejected\)\s+\|\s+2 \|/);
    expect(r.stdout).toContain('bqx backfill --pairs GBPCHF --from 2019-01 --to 2019-01 --force');
    expect(await bars('GBPCHF')).toEqual([['2019-01-02 15:00', 1.14], ['2019-01-02 15:01', 1.15]]);
    const again = await run('node', ['dist/bqx.js', 'import', f], { env, cwd: ROOT });
    expect(again.stdout).toContain('nothing changed in bqx.m1');
  }, 60_000);
});

describe('4. the months whose lookback window an import changed, however far away', () => {
  it('importing 2019 under a backfilled 2024-06..08 plans 2024-06 too, and backfilling the plan makes every month verify', async () => {
    const { ts, rates } = series('2024-06-01T00:00Z', '2024-09-01T00:00Z', 30);
    await loadBars(db, 'EURGBP', ts, rates);
    for (const m of ['2024-06', '2024-07', '2024-08']) await db.query(`call bqx.backfill('EURGBP', $1)`, [m]);
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const t = new Date(Date.UTC(2019, 11, 2, 10) + i * 60_000 - 5 * 3_600_000); // EST wall clock
      const p = (n: number) => String(n).padStart(2, '0');
      lines.push(`${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())} ${p(t.getUTCHours())}${p(t.getUTCMinutes())}00;1;1;1;${(1.1 + i / 1e4).toFixed(5)};0`);
    }
    const c = await importFile(client, file('DAT_ASCII_EURGBP_M1_2019.csv', lines.join('\n')));
    expect(c.monthsChanged).toEqual(['2019-12']);
    expect((await failedChecks('EURGBP', '2024-06')).length).toBeGreaterThan(0); // stale: looks back into 2019-12
    const plan = await backfillPlan(client, [c]);
    expect(plan).toEqual([{ pairs: ['EURGBP'], from: '2019-12', to: '2019-12' }, { pairs: ['EURGBP'], from: '2024-06', to: '2024-06' }]);
    for (const run of plan) await db.query(`call bqx.backfill('EURGBP', $1)`, [run.from]);
    for (const m of ['2019-12', '2024-06', '2024-07', '2024-08']) expect(await failedChecks('EURGBP', m), m).toEqual([]);
  });

  it('a changed month followed by fewer than 75 good bars: every backfilled month holding one of the 75 is stale', async () => {
    // NZDCAD: 2024-01 and 2024-03 backfilled, 2024-02 holds 10 bars (not backfilled); 2023-12 imported
    const a = series('2024-01-01T00:00Z', '2024-01-06T00:00Z', 60);
    const b = series('2024-02-05T00:00Z', '2024-02-05T10:00Z', 60);
    const d = series('2024-03-04T00:00Z', '2024-03-09T00:00Z', 60);
    await loadBars(db, 'NZDCAD', [...a.ts.slice(0, 40), ...b.ts, ...d.ts], [...a.rates.slice(0, 40), ...b.rates, ...d.rates]);
    for (const m of ['2024-01', '2024-03']) await db.query(`call bqx.backfill('NZDCAD', $1)`, [m]);
    const r = await db.query(`select pairs, month_from, month_to from bqx_internal.import_backfill_plan($1, $2)`, [['NZDCAD'], ['2023-12']]);
    expect(r.rows.map((x) => [x.pairs, x.month_from, x.month_to])).toEqual([[['NZDCAD'], '2023-12', '2024-01'], [['NZDCAD'], '2024-03', '2024-03']]);
  });
});

describe('6. and 7. zips with several bar files, files that store nothing', () => {
  const good = Buffer.from('20190102 100000;1;1;1;1.14;0\n20190102 100100;1;1;1;1.15;0\n');

  it('a zip with two CSVs is refused, naming both; nothing stored', async () => {
    const z = file('HISTDATA_COM_ASCII_CADCHF_M12019.zip', makeZip([
      { name: 'DAT_ASCII_CADCHF_M1_2019.csv', data: good }, { name: 'more/DAT_ASCII_CADCHF_M1_2020.csv', data: good }]));
    await expect(importFile(client, z)).rejects.toMatchObject({
      code: '22023', message: expect.stringMatching(/2 bar files: DAT_ASCII_CADCHF_M1_2019.csv, more\/DAT_ASCII_CADCHF_M1_2020.csv/),
      detail: expect.stringContaining('nothing was stored'), hint: expect.stringContaining('Unzip it'),
    });
    expect(await bars('CADCHF')).toEqual([]);
    // a CSV with HistData's .txt gap report beside it: the CSV is the bar file
    const z2 = file('HISTDATA_COM_ASCII_CADCHF_M12018.zip', makeZip([
      { name: 'DAT_ASCII_CADCHF_M1_2019.txt', data: Buffer.from('gap report\n') }, { name: 'DAT_ASCII_CADCHF_M1_2019.csv', data: good }]));
    expect(await importFile(client, z2)).toMatchObject({ new: 2 });
  });

  it('an empty file, a binary file and a file of bad lines are errors, not "every bar was already there"', async () => {
    await expect(importFile(client, file('DAT_ASCII_AUDNZD_M1_EMPTY.csv', ''))).rejects.toMatchObject({
      code: '22P04', message: expect.stringMatching(/no bar lines/) });
    const binary = Buffer.alloc(1 << 20);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919 + (i >> 8) * 31) & 0xff;
    await expect(importFile(client, file('binary.bin', binary), { pair: 'AUDNZD', format: 'histdata' })).rejects.toMatchObject({
      code: '22P02', message: expect.stringMatching(/not one good bar in [\d,]+ data lines/), detail: expect.stringMatching(/malformed/) });
    const err = await importFile(client, file('binary2.bin', binary), { pair: 'AUDNZD' }).catch((e) => e);
    expect(err.code).toBe('22023');
    expect(err.hint).not.toMatch(/[\u0000-\u001f\u007f-\u009f\ufffd]/);
    await expect(importFile(client, file('DAT_ASCII_AUDNZD_M1_BAD.csv', '20190102 100000;1;1;1;-1;0\n20190102 100100;1;1;1;abc;0\n')))
      .rejects.toMatchObject({ code: '22P02', detail: expect.stringMatching(/1 non-numeric rates \(rejected\); 1 rates not within \[1e-9, 1e9\]/) });
    expect(await bars('AUDNZD')).toEqual([]);
  });

  it('a HistData file with a UTF-8 byte order mark keeps its first line; a missing file says so', async () => {
    const f = file('DAT_ASCII_AUDNZD_M1_BOM.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good]));
    expect(await importFile(client, f)).toMatchObject({ lines: 2, new: 2, malformed: 0 });
    await expect(importFile(client, '/missing.csv')).rejects.toMatchObject({ code: '58P01', message: 'cannot read /missing.csv: no such file' });
  });
});

describe('8. and 9. the source setting and malformed source views', () => {
  const setSource = (v: string) => db.query(`update bqx.settings set value = $1 where key = 'source'`, [v]);
  const source = async () => (await db.query(`select value from bqx.settings where key = 'source'`)).rows[0].value;

  it('a source that is not a usable relation is refused when written, naming the setting; the old value stays', async () => {
    await db.query(`create view public.v_nocol as select pair, ts_utc from bqx.m1`);
    await db.query(`create view public.v_textrate as select pair, ts_utc, rate::text as rate from bqx.m1`);
    await db.query(`create view public.v_localtime as select pair, ts_utc::timestamp as ts_utc, rate from bqx.m1`);
    for (const [value, code, what] of [
      ['public.my_barz', '42P01', /does not exist/], ['my bars!', '42602', /not a relation name/], ['a.b.c.d', '42602', /not a relation name/],
      ['public.v_nocol', '42703', /has no column rate/], ['public.v_textrate', '42804', /rate of public.v_textrate is text/],
      ['public.v_localtime', '42804', /ts_utc .* is timestamp without time zone/], ['bqx.m1_pkey', '42809', /not a table or view/],
    ] as const) {
      await expect(setSource(value), value).rejects.toMatchObject({ code, message: expect.stringMatching(what) });
      await expect(setSource(value), value).rejects.toMatchObject({ message: expect.stringContaining(`setting 'source' cannot be`) });
    }
    expect(await source()).toBe('bqx.m1');
    await db.query(`create table public.my_bars (pair varchar(6), ts_utc timestamptz, rate numeric)`);
    await setSource('PUBLIC.MY_BARS');
    expect(await source()).toBe('public.my_bars'); // canonical form
    await setSource('BQX.M1');
    expect(await source()).toBe('bqx.m1');
    // the live feed of bqx.m1 never stopped
    await db.query(`insert into bqx.m1 values ('AUDCAD', '2024-07-10 01:00Z', 1.26)`);
  });

  it('a source view that breaks later: each error names the setting, the relation and what is wrong; the old month is kept', async () => {
    const { ts, rates } = series('2024-05-01T00:00Z', '2024-05-10T00:00Z', 30);
    await loadBars(db, 'GBPNZD', ts, rates);
    await db.query(`call bqx.backfill('GBPNZD', '2024-05')`);
    const rows = async () => (await db.query(`select count(*)::int as n, sum(w75_bqx_avg) as s from bqx.bqx where pair = 'GBPNZD'`)).rows[0];
    const before = await rows();
    // duplicate (pair, ts_utc)
    await db.query(`create view public.src as select * from bqx.m1 union all select * from bqx.m1 where ts_utc = '2024-05-02 10:00Z'`);
    await setSource('public.src');
    await expect(db.query(`call bqx.backfill('GBPNZD', '2024-05')`)).rejects.toMatchObject({
      code: '23505', message: expect.stringMatching(/bar source public.src .* has 2 bars of GBPNZD at 2024-05-02 10:00 UTC/) });
    // the view is replaced by one with a text rate, then one without the column
    for (const [body, code, what] of [
      ['select pair, ts_utc, rate::text as rate from bqx.m1', '42804', /column rate of public.src is text/],
      ['select pair, ts_utc from bqx.m1', '42703', /public.src has no column rate/],
    ] as const) {
      await db.query(`drop view public.src`);
      await db.query(`create view public.src as ${body}`);
      await expect(db.query(`call bqx.backfill('GBPNZD', '2024-05')`)).rejects.toMatchObject({
        code, message: expect.stringMatching(what), hint: expect.stringContaining(`key = 'source'`) });
      await expect(db.query(`call bqx.backfill('GBPNZD', '2024-05')`)).rejects.toMatchObject({
        message: expect.stringContaining(`setting 'source' in bqx.settings (public.src)`) });
    }
    await db.query(`drop view public.src`);
    await expect(db.query(`call bqx.backfill('GBPNZD', '2024-05')`)).rejects.toMatchObject({ code: '42P01' });
    // bqx.m1 is not the source now: its feed goes on, whatever became of the source
    await db.query(`insert into bqx.m1 values ('GBPNZD', '2024-05-10 00:00Z', 1.3)`);
    expect(await rows()).toEqual(before);
    await setSource('bqx.m1');
  });
});
