// One file's bytes -> its good bars (BarList) and the count of every other kind of line.
// Lines are split on bytes; a well-formed HistData line is read straight from them
// (histdata-fast.ts), any other line is decoded and goes through the line parsers of
// formats.ts, which say what is wrong with it. A bar whose time, once in UTC, lies
// outside [1900-01-01, 2200-01-01) is a bad line (bad_time). A leading UTF-8 byte order
// mark is skipped, in both formats. Limits (limits.ts): a line longer than maxLineBytes
// and a file of more than maxBars bar lines stop the import at once.
import { INVALID_PARAMETER, UserError } from '../lib/user-error.js';
import type { FileCounts } from './counts.js';
import { BarList } from './bars.js';
import {
  csvLayout, guessFormat, parseCsvLine, parseHistdataLine, printable,
  type CsvLayout, type Format, type LineResult,
} from './formats.js';
import { HistdataBytes } from './histdata-fast.js';
import { DEFAULT_LIMITS, limitError, MAX_TS_MS, MIN_TS_MS, type ImportLimits } from './limits.js';
import { HISTDATA_DEFAULT_TZ, parseTimeZone, type TimeZone } from './timezone.js';

export interface ParseOptions {
  format?: Format;
  tz?: string;
  tsColumn?: string;
  rateColumn?: string;
}

const EMPTY = Buffer.alloc(0);
const BOM = [0xef, 0xbb, 0xbf];
/** wall-clock times this far outside the UTC range cannot land in it whatever the zone (offsets < 1 day) */
const LOCAL_MARGIN_MS = 86_400_000;

export class FileParser {
  readonly bars: BarList;
  private carry: Buffer = EMPTY;
  private started = false;
  /** bytes before the current chunk: where a line starts, for messages */
  private offset = 0;
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
    private readonly limits: ImportLimits = DEFAULT_LIMITS,
  ) {
    this.format = opts.format;
    this.bars = new BarList(limits.maxBars, () => limitError(
      `${name}: more than ${limits.maxBars.toLocaleString('en-US')} bar lines, the most bqx import holds in memory for one file`,
      'Bars are held until the whole file is read (its duplicates resolved), then written in one transaction.', 'maxBars'));
  }

  write(chunk: Buffer): void {
    if (!this.started) {
      this.started = true;
      if (chunk.length >= 3 && chunk[0] === BOM[0] && chunk[1] === BOM[1] && chunk[2] === BOM[2]) {
        chunk = chunk.subarray(3);
        this.offset = 3;
      }
    }
    // the carry (an unfinished line) is at most maxLineBytes: joining it is cheap
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const base = this.offset - this.carry.length;
    let s = 0;
    for (let nl = buf.indexOf(10, s); nl >= 0; s = nl + 1, nl = buf.indexOf(10, s)) {
      if (nl - s > this.limits.maxLineBytes) this.tooLong(base + s);
      this.line(buf, s, nl);
    }
    if (buf.length - s > this.limits.maxLineBytes) this.tooLong(base + s);
    this.carry = s < buf.length ? Buffer.from(buf.subarray(s)) : EMPTY;
    this.offset += chunk.length;
  }

  private tooLong(at: number): never {
    throw limitError(
      `${this.name}: the line at byte ${at.toLocaleString('en-US')} is longer than ${this.limits.maxLineBytes.toLocaleString('en-US')} bytes`,
      `A bar line is about 45 bytes; bqx import stops at the first line over the limit (line ${(this.counts.lines + this.counts.blank + 1).toLocaleString('en-US')}).`,
      'maxLineBytes');
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
    if (!isUtc && (localMs < MIN_TS_MS - LOCAL_MARGIN_MS || localMs >= MAX_TS_MS + LOCAL_MARGIN_MS)) {
      this.counts.bad_time++; // far outside: never handed to a zone's rules (years 0-99, 10000)
      return;
    }
    const utc = isUtc ? localMs : this.zone!.toUtc(localMs);
    if (!(utc >= MIN_TS_MS && utc < MAX_TS_MS)) {
      this.counts.bad_time++;
      return;
    }
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
        throw new UserError(`${this.name}: a CSV file needs --ts-column and --rate-column`, INVALID_PARAMETER,
          `Name the header's timestamp and rate columns, for example --ts-column time --rate-column close. Header: ${printable(firstLine)}`);
      }
      this.layout = csvLayout(firstLine, this.opts.tsColumn, this.opts.rateColumn);
      return true; // the header is not a data line
    }
    return false;
  }
}
