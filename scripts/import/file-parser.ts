// One file's bytes -> its good bars (BarList) and the count of every other kind of line.
// Lines are split on bytes; a well-formed HistData line is read straight from them
// (histdata-fast.ts), any other line is decoded and goes through the line parsers of
// formats.ts, which say what is wrong with it.
import type { FileCounts } from './counts.js';
import { BarList } from './bars.js';
import {
  csvLayout, guessFormat, parseCsvLine, parseHistdataLine,
  type CsvLayout, type Format, type LineResult,
} from './formats.js';
import { HistdataBytes } from './histdata-fast.js';
import { HISTDATA_DEFAULT_TZ, parseTimeZone, type TimeZone } from './timezone.js';

export interface ParseOptions {
  format?: Format;
  tz?: string;
  tsColumn?: string;
  rateColumn?: string;
}

export function userError(message: string, code: string, hint: string): Error {
  return Object.assign(new Error(message), { code, hint });
}

const EMPTY = Buffer.alloc(0);

export class FileParser {
  readonly bars = new BarList();
  private carry: Buffer = EMPTY;
  private lastUtc = -Infinity;
  private layout: CsvLayout | undefined;
  private zone: TimeZone | undefined;
  /** the fast path, once the format is known to be histdata */
  private fast: HistdataBytes | undefined;
  private format: Format | undefined;

  constructor(
    private readonly counts: FileCounts,
    private readonly opts: ParseOptions,
    /** the name the format is guessed from */
    private readonly name: string,
  ) {
    this.format = opts.format;
  }

  write(chunk: Buffer): void {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let s = 0;
    for (let nl = buf.indexOf(10, s); nl >= 0; s = nl + 1, nl = buf.indexOf(10, s)) this.line(buf, s, nl);
    this.carry = s < buf.length ? Buffer.from(buf.subarray(s)) : EMPTY;
  }

  end(): void {
    if (this.carry.length) this.line(this.carry, 0, this.carry.length);
    this.carry = EMPTY;
  }

  private line(buf: Buffer, s: number, e: number): void {
    if (e > s && buf[e - 1] === 13) e--;
    const fast = this.fast;
    if (fast !== undefined && fast.read(buf, s, e)) {
      this.counts.lines++;
      this.bar(fast.localMs, fast.rate, false);
      return;
    }
    this.slowLine(buf.toString('utf8', s, e));
  }

  private slowLine(line: string): void {
    const c = this.counts;
    if (line.trim() === '') { c.blank++; return; }
    if (this.zone === undefined && this.start(line)) return;
    c.lines++;
    const r: LineResult & { utc?: boolean } =
      this.format === 'histdata' ? parseHistdataLine(line) : parseCsvLine(line, this.layout!);
    if (r.kind !== 'bar') {
      c[r.kind === 'header' ? 'malformed' : r.kind]++;
      return;
    }
    this.bar(r.localMs, r.rate, r.utc === true);
  }

  private bar(localMs: number, rate: number, isUtc: boolean): void {
    const utc = isUtc ? localMs : this.zone!.toUtc(localMs);
    if (utc < this.lastUtc) this.counts.out_of_order++;
    else this.lastUtc = utc;
    this.bars.push(utc / 60_000, rate);
  }

  /** The first non-blank line: the format, the zone, and for a CSV its header. */
  private start(firstLine: string): boolean {
    this.format ??= guessFormat(this.name, firstLine);
    this.zone = parseTimeZone(this.opts.tz ?? (this.format === 'histdata' ? HISTDATA_DEFAULT_TZ : 'UTC'));
    this.counts.format = this.format;
    this.counts.tz = this.zone.label;
    if (this.format === 'histdata') this.fast = new HistdataBytes();
    if (this.format === 'csv') {
      if (!this.opts.tsColumn || !this.opts.rateColumn) {
        throw userError(`${this.name}: a CSV file needs --ts-column and --rate-column`, '22023',
          `Name the header's timestamp and rate columns, for example --ts-column time --rate-column close. Header: ${firstLine.slice(0, 200)}`);
      }
      this.layout = csvLayout(firstLine, this.opts.tsColumn, this.opts.rateColumn);
      return true; // the header is not a data line
    }
    return false;
  }
}
