// Fuzz test of the import parsers (issue #12): random mutations of real HistData lines,
// in both formats (HistData, and a CSV 'time,close' in UTC), each read by the importer's
// FileParser and by a reference reader written here from the documented grammar
// (docs/import-verify.md) with its own date arithmetic. Every line is either stored as
// exactly the bar the reference reads (same UTC minute, same double) or counted as one
// kind of bad line when the reference rejects it too: never mis-dated, never a bar the
// reference does not see. Then the HistData lines go through bqx import into Postgres,
// and bqx.m1 holds exactly the reference's bars (the last line of an instant winning).
// Seeded: a failure prints the seed and the line. Quotes are not mutated into the CSV
// (its quoting is tested in test/import.test.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyCounts, LINE_KINDS } from '../scripts/import/counts.js';
import { FileParser } from '../scripts/import/file-parser.js';
import { DEFAULT_LIMITS } from '../scripts/import/limits.js';
import { importFile } from '../scripts/import/loader.js';
import { testDatabase, type TestDb } from './support/db.js';
import { readHistdataCloses } from './support/histdata.js';
import { mulberry32 } from './support/random-series.js';

const SEED = Number(process.env.BQX_FUZZ_SEED ?? 20261201);
const LINES = 20_000;
const MIN_UTC = Date.UTC(1900, 0, 1);
const MAX_UTC = Date.UTC(2200, 0, 1);

const rng = mulberry32;

const p2 = (n: number): string => String(n).padStart(2, '0');

/** Real lines (EURUSD 2019 from the repository's fixture, EST wall clock). */
async function realLines(n: number): Promise<{ hist: string[]; csv: string[] }> {
  const { ts, rate } = await readHistdataCloses('EURUSD', 2019, n);
  const hist: string[] = [];
  const csv: string[] = [];
  ts.forEach((t, i) => {
    const l = new Date(t.getTime() - 5 * 3_600_000);
    const c = rate[i].toFixed(6);
    hist.push(`${l.getUTCFullYear()}${p2(l.getUTCMonth() + 1)}${p2(l.getUTCDate())} ${p2(l.getUTCHours())}${p2(l.getUTCMinutes())}00;${c};${c};${c};${c};0`);
    csv.push(`${t.getUTCFullYear()}-${p2(t.getUTCMonth() + 1)}-${p2(t.getUTCDate())} ${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())},${c}`);
  });
  return { hist, csv };
}

const ALPHABET = [...'0123456789;;.. --+eE:/TZz\t\r,', '\u0000', '\u00a0', 'é', '\ufeff', '\u2028', '5', '9', '0'];

function mutate(line: string, r: () => number, csvFormat: boolean): string {
  let s = line;
  const ops = 1 + Math.floor(r() * 3);
  const pick = () => ALPHABET[Math.floor(r() * ALPHABET.length)].replace(csvFormat ? /"/ : /^$/, '');
  for (let k = 0; k < ops; k++) {
    const i = Math.floor(r() * (s.length + 1));
    switch (Math.floor(r() * 8)) {
      case 0: s = s.slice(0, i) + pick() + s.slice(i + 1); break;                      // replace
      case 1: s = s.slice(0, i) + s.slice(i + 1); break;                               // delete
      case 2: s = s.slice(0, i) + pick() + s.slice(i); break;                          // insert
      case 3: s = s.slice(0, i); break;                                                // truncate
      case 4: s = (r() < 0.5 ? '00' : r() < 0.5 ? '99' : '21') + s.slice(2); break;    // century
      case 5: s = s.slice(0, i) + s.slice(i, i + 3) + s.slice(i); break;               // repeat
      case 6: { const j = Math.floor(r() * s.length); const a = [...s]; [a[i], a[j]] = [a[j], a[i]]; s = a.join(''); break; }
      default: break;                                                                  // unchanged
    }
  }
  return s;
}

type Ref = 'blank' | null | { minute: number; rate: number };

/** An instant from its parts with the Date object's own rules (never Date.UTC: years 0-99), or null when not a real date-time. */
function instant(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (h > 23 || mi > 59 || s > 59) return null;
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, 0);
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return t.getTime();
}

function refRate(text: string): number | null {
  const t = text.trim();
  if (t === '' || !/^[0-9eE.+-]+$/.test(t)) return null;
  const x = Number(t);
  return x >= 1e-9 && x <= 1e9 ? x : null; // NaN fails both
}

function refBar(utc: number | null, rate: number | null): Ref {
  if (utc === null || rate === null || utc % 60_000 !== 0 || utc < MIN_UTC || utc >= MAX_UTC) return null;
  return { minute: utc / 60_000, rate };
}

/** HistData: YYYYMMDD HHMMSS;open;high;low;close;volume, EST (UTC-5), the rate is the close. */
function refHistdata(raw: string): Ref {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.trim() === '') return 'blank';
  const m = /^(\d{4})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2});[^;]*;[^;]*;[^;]*;([^;]*);[^;]*$/.exec(line);
  if (!m) return null;
  const local = instant(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
  return refBar(local === null ? null : local + 5 * 3_600_000, refRate(m[7]));
}

/** CSV 'time,close', UTC: the timestamp forms of the README, or epoch seconds/milliseconds. */
function refCsv(raw: string): Ref {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line.trim() === '') return 'blank';
  const f = line.split(',');
  if (f.length < 2) return null;
  const ts = f[0].trim();
  let utc: number | null = null;
  const m = /^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})[Tt ]+(\d{2}):?(\d{2})(?::?(\d{2})(?:\.(\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/.exec(ts);
  if (m) {
    utc = instant(+m[1], +m[2], +m[3], +m[4], +m[5], m[6] === undefined ? 0 : +m[6]);
    if (utc !== null && m[7] !== undefined && Number(m[7]) !== 0) utc += 0.5; // a fraction: not a whole minute
    if (utc !== null && m[8] !== undefined && m[8].toUpperCase() !== 'Z') {
      const sign = m[8][0] === '-' ? -1 : 1;
      const hh = Number(m[8].slice(1, 3));
      const mm = Number(m[8].replace(':', '').slice(3) || '0');
      utc = hh > 15 || mm > 59 ? null : utc - sign * (hh * 60 + mm) * 60_000;
    }
  } else if (/^\d{9,13}$/.test(ts)) {
    utc = ts.length >= 12 ? Number(ts) : Number(ts) * 1000;
  } else {
    return null;
  }
  return refBar(utc, refRate(f[1]));
}

function parseOne(text: string, csv: boolean): { bars: { minute: number; rate: number }[]; lines: number; blank: number; bad: number } {
  const counts = emptyCounts('fuzz', 'EURUSD', '?', '?');
  const limits = { ...DEFAULT_LIMITS, maxBars: 1 }; // one line: one bar at most (and small arrays)
  const parser = csv
    ? new FileParser(counts, { format: 'csv', tsColumn: 'time', rateColumn: 'close', tz: 'UTC' }, 'fuzz.csv', limits)
    : new FileParser(counts, { format: 'histdata' }, 'fuzz.csv', limits);
  // after a first line (the header, or a blank line): a byte order mark is skipped only at the start of a file
  parser.write(Buffer.from(csv ? `time,close\n${text}` : `\n${text}`, 'utf8'));
  parser.end();
  if (!csv) counts.blank--;
  const w = parser.bars.winners();
  const bars = Array.from({ length: w.n }, (_, i) => ({ minute: w.minutes[i], rate: w.rates[i] }));
  const bad = LINE_KINDS.filter(([k]) => !['new', 'identical', 'changed', 'dup_identical', 'dup_conflicting'].includes(k))
    .reduce((a, [k]) => a + counts[k], 0);
  return { bars, lines: counts.lines, blank: counts.blank, bad };
}

let lines: { hist: string[]; csv: string[] };
beforeAll(async () => { lines = await realLines(2_000); });

describe(`fuzz: mutated real lines (seed ${SEED})`, () => {
  for (const format of ['histdata', 'csv'] as const) {
    it(`${format}: every line is the reference's bar or one counted bad line`, () => {
      const r = rng(SEED + (format === 'csv' ? 1 : 0));
      const src = lines[format === 'csv' ? 'csv' : 'hist'];
      const ref = format === 'csv' ? refCsv : refHistdata;
      const tally = { bar: 0, bad: 0, blank: 0 };
      for (let n = 0; n < LINES; n++) {
        const text = mutate(src[n % src.length], r, format === 'csv');
        if (text.includes('\n') || text === '') continue; // '' at the end of a file is no line at all
        const want = ref(text);
        const got = parseOne(text, format === 'csv');
        const where = `${format} line ${JSON.stringify(text)} (seed ${SEED}, #${n})`;
        if (want === 'blank') {
          expect({ lines: got.lines, blank: got.blank, bars: got.bars.length }, where).toEqual({ lines: 0, blank: 1, bars: 0 });
          tally.blank++;
        } else if (want === null) {
          expect({ lines: got.lines, bad: got.bad, bars: got.bars }, where).toEqual({ lines: 1, bad: 1, bars: [] });
          tally.bad++;
        } else {
          expect({ lines: got.lines, bad: got.bad, bars: got.bars }, where).toEqual({ lines: 1, bad: 0, bars: [want] });
          tally.bar++;
        }
      }
      // the mutations reach both sides
      expect(tally.bar).toBeGreaterThan(LINES / 10);
      expect(tally.bad).toBeGreaterThan(LINES / 10);
    });
  }
});

describe('fuzz through Postgres', () => {
  let db: TestDb;
  let client: pg.Client;
  beforeAll(async () => {
    db = await testDatabase('import_fuzz');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.end();
  });

  it('bqx.m1 holds exactly the reference bars of a file of mutated HistData lines', async () => {
    const r = rng(SEED + 2);
    const text: string[] = [];
    const want = new Map<number, number>();
    for (let n = 0; n < LINES; n++) {
      const t = mutate(lines.hist[n % lines.hist.length], r, false);
      if (t.includes('\n')) continue;
      text.push(t);
      const b = refHistdata(t);
      if (b !== null && b !== 'blank') want.set(b.minute, b.rate); // the last line of an instant wins
    }
    const f = join(mkdtempSync(join(tmpdir(), 'bqx-fuzz-')), 'DAT_ASCII_EURUSD_M1_FUZZ.csv');
    writeFileSync(f, text.join('\n'));
    const c = await importFile(client, f);
    expect(c.new).toBe(want.size);
    const got = await db.query(`select extract(epoch from ts_utc)::float8 / 60 as minute, rate from bqx.m1 where pair = 'EURUSD' order by ts_utc`);
    expect(got.rows.map((x) => [x.minute, x.rate])).toEqual([...want].sort((a, b) => a[0] - b[0]));
  }, 120_000);
});
