// Line parsers: HistData.com generic ASCII and a generic CSV with a header.
//
// A parser turns one line into a bar (wall-clock ms + rate) or says what is wrong with it.
// Rates are checked at the door: a non-numeric rate and a rate that is not good (finite
// and within [1e-9, 1e9], isGoodRate of plv8-src/spec.ts) are rejected (counted, not
// stored), so a file's bad line never overwrites a good bar. Years are read literally
// (0024 is 24, never 1924); the time range is checked once the zone is applied
// (file-parser.ts).

import { isGoodRate } from '../../plv8-src/spec.js';
import { UserError } from '../lib/user-error.js';

export type Format = 'histdata' | 'csv';

export type LineResult =
  | { kind: 'bar'; localMs: number; rate: number; /** the rate as written (trimmed), sent to Postgres as is */ text: string }
  | { kind: 'malformed' | 'non_numeric_rate' | 'bad_rate' | 'not_whole_minute' | 'header' };

/** Text of a file shown in a message: at most `max` characters, control and undecodable ones as '?'. */
export function printable(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const s = text.slice(0, max).replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
  return text.length > max ? `${s}...` : s;
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A rate field -> the number (and its trimmed text), or the reason it is not a good rate. */
export function parseRate(field: string): [number, string] | 'non_numeric_rate' | 'bad_rate' {
  const s = field.trim();
  if (!NUMBER_RE.test(s)) return 'non_numeric_rate';
  const x = Number(s);
  return isGoodRate(x) ? [x, s] : 'bad_rate';
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function validDate(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= MONTH_DAYS[mo - 1] + (leap ? 1 : 0);
}

/** Date.UTC for a valid date, in integer arithmetic (days from civil, H. Hinnant). */
export function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000;
}

const D = (line: string, i: number): number => line.charCodeAt(i) - 48;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** `YYYYMMDD HHMMSS;open;high;low;close;volume` (the rate is the close). */
export function parseHistdataLine(line: string): LineResult {
  // fixed-width timestamp, checked digit by digit: much faster than a RegExp
  if (line.length < 17 || line.charCodeAt(8) !== 32 || line.charCodeAt(15) !== 59) return { kind: 'malformed' };
  for (let i = 0; i < 15; i++) if (i !== 8 && !isDigit(line.charCodeAt(i))) return { kind: 'malformed' };
  const y = D(line, 0) * 1000 + D(line, 1) * 100 + D(line, 2) * 10 + D(line, 3);
  const mo = D(line, 4) * 10 + D(line, 5);
  const d = D(line, 6) * 10 + D(line, 7);
  const h = D(line, 9) * 10 + D(line, 10);
  const mi = D(line, 11) * 10 + D(line, 12);
  const s = D(line, 13) * 10 + D(line, 14);
  if (!validDate(y, mo, d, h, mi, s)) return { kind: 'malformed' };
  // open;high;low;close;volume: exactly five fields after the time, the close is the 4th
  // (a chain of indexOf would wrap to the start of the line when a ';' is missing)
  const fields = line.slice(16).split(';');
  if (fields.length !== 5) return { kind: 'malformed' };
  if (s !== 0) return { kind: 'not_whole_minute' };
  const rate = parseRate(fields[3]);
  if (typeof rate === 'string') return { kind: rate };
  return { kind: 'bar', localMs: utcMs(y, mo, d, h, mi, 0), rate: rate[0], text: rate[1] };
}

/**
 * A timestamp field of a CSV: 'YYYY-MM-DD HH:MM[:SS[.fff]]' (also with 'T', '/' or '.'
 * as separators), 'YYYYMMDD HHMMSS', optionally followed by 'Z' or an offset (+02:00):
 * then the offset of the field wins over --tz. Or epoch seconds / milliseconds (UTC).
 * Returns [ms, isUtc] or null.
 */
export function parseTimestampField(field: string): [number, boolean] | null {
  const s = field.trim().replace(/^"|"$/g, '');
  let m = /^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})[T ]+(\d{2}):?(\d{2})(?::?(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(s);
  if (m) {
    const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m![i]));
    const sec = m[6] === undefined ? 0 : Number(m[6]);
    if (!validDate(y, mo, d, h, mi, sec)) return null;
    const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
    let ms = utcMs(y, mo, d, h, mi, sec) + frac; // not Date.UTC: it reads years 0-99 as 1900-1999
    if (m[8] === undefined) return [ms, false];
    if (m[8].toUpperCase() !== 'Z') {
      const o = /^([+-])(\d{2}):?(\d{2})?$/.exec(m[8])!;
      if (Number(o[2]) > 15 || Number(o[3] ?? 0) > 59) return null; // not an offset (+99:99)
      const off = (Number(o[2]) * 60 + Number(o[3] ?? 0)) * 60_000;
      ms -= o[1] === '-' ? -off : off;
    }
    return [ms, true];
  }
  m = /^\d{9,13}$/.exec(s);
  if (m) {
    const n = Number(s);
    return [s.length >= 12 ? n : n * 1000, true];
  }
  return null;
}

export interface CsvLayout {
  delimiter: string;
  tsIndex: number;
  rateIndex: number;
}

function splitCsv(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}

/** The header line -> where the named columns are (names compared case-insensitively). */
export function csvLayout(header: string, tsColumn: string, rateColumn: string): CsvLayout {
  const delimiter = [',', ';', '\t', '|'].map((d) => [d, header.split(d).length] as const).sort((a, b) => b[1] - a[1])[0][0];
  const names = splitCsv(header.replace(/^\uFEFF/, ''), delimiter).map((n) => n.trim().toLowerCase());
  const find = (want: string, option: string): number => {
    const i = names.indexOf(want.trim().toLowerCase());
    if (i < 0) {
      throw new UserError(`CSV header has no column "${want}" (${option})`, '42703',
        `The header has: ${printable(names.join(', '))}. Name the columns with --ts-column and --rate-column.`);
    }
    return i;
  };
  return { delimiter, tsIndex: find(tsColumn, '--ts-column'), rateIndex: find(rateColumn, '--rate-column') };
}

/** One data line of a CSV; `utcTs` tells whether the timestamp already was an instant. */
export function parseCsvLine(line: string, layout: CsvLayout): LineResult & { utc?: boolean } {
  const f = splitCsv(line, layout.delimiter);
  if (f.length <= Math.max(layout.tsIndex, layout.rateIndex)) return { kind: 'malformed' };
  const ts = parseTimestampField(f[layout.tsIndex]);
  if (!ts) return { kind: 'malformed' };
  if (ts[0] % 60_000 !== 0) return { kind: 'not_whole_minute' };
  const rate = parseRate(f[layout.rateIndex].replace(/^"|"$/g, ''));
  if (typeof rate === 'string') return { kind: rate };
  return { kind: 'bar', localMs: ts[0], rate: rate[0], text: rate[1], utc: ts[1] };
}

/** The pair in a file name (HISTDATA_COM_ASCII_EURUSD_M12019.zip, DAT_ASCII_USDJPY_M1_2019.csv, eurusd-2019.csv). */
export function pairFromFileName(path: string): string | undefined {
  const base = path.split(/[\\/]/).pop() ?? path;
  const m = /(?:^|[^A-Za-z])([A-Za-z]{6})(?=[^A-Za-z]|$)/.exec(base.replace(/^(HISTDATA_COM_)?(ASCII|DAT_ASCII|DAT)_/i, '_'));
  return m ? m[1].toUpperCase() : undefined;
}

/** histdata when the name or the first line look like it, else csv. */
export function guessFormat(path: string, firstLine: string): Format {
  if (/histdata|DAT_ASCII/i.test(path)) return 'histdata';
  return parseHistdataLine(firstLine).kind === 'malformed' ? 'csv' : 'histdata';
}
