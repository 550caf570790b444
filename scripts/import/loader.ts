// bqx import, the engine room: one file at a time, in one transaction,
//   parse lines (formats.ts) -> COPY into a temp staging table -> one set-based merge
//   into bqx.m1 (sql/55_import/import_merge.sql) that dedupes and counts.
// The loading session runs with bqx.live = 'off': the live trigger skips bulk loads, the
// months touched are backfilled afterwards.
import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { emptyCounts, type FileCounts } from './counts.js';
import {
  csvLayout, guessFormat, pairFromFileName, parseCsvLine, parseHistdataLine,
  type CsvLayout, type Format, type LineResult,
} from './formats.js';
import { openInput } from './input.js';
import { HISTDATA_DEFAULT_TZ, parseTimeZone, type TimeZone } from './timezone.js';

export interface ImportOptions {
  /** pair of every file; default: from each file name */
  pair?: string;
  /** default: guessed from the name and first line */
  format?: Format;
  /** default: -05:00 for histdata, UTC for csv */
  tz?: string;
  /** csv: header names of the timestamp and rate columns */
  tsColumn?: string;
  rateColumn?: string;
  /** a bar already stored with another rate takes the file's rate (default: kept) */
  update?: boolean;
  onProgress?: (file: string, bytesDone: number, bytesTotal: number) => void;
}

function userError(message: string, code: string, hint: string): Error {
  return Object.assign(new Error(message), { code, hint });
}

/** Turns text chunks into COPY rows (line_no \t ts_minute \t rate \t repeated) and counts the rest. */
class LineParser extends Transform {
  private decoder = new StringDecoder('utf8');
  private rest = '';
  private lineNo = 0;
  private lastUtc = -Infinity;
  /** instants (epoch minutes) seen in this file: a repeat is flagged for the merge */
  private seen = new Set<number>();
  private layout: CsvLayout | undefined;
  private zone: TimeZone | undefined;
  format: Format | undefined;

  constructor(
    private readonly counts: FileCounts,
    private readonly opts: ImportOptions,
    private readonly path: string,
    private readonly onBytes: (n: number) => void,
  ) {
    super();
    this.format = opts.format;
  }

  private start(firstLine: string): boolean {
    this.format ??= guessFormat(this.path, firstLine);
    this.zone = parseTimeZone(this.opts.tz ?? (this.format === 'histdata' ? HISTDATA_DEFAULT_TZ : 'UTC'));
    this.counts.format = this.format;
    this.counts.tz = this.zone.label;
    if (this.format === 'csv') {
      if (!this.opts.tsColumn || !this.opts.rateColumn) {
        throw userError(`${this.path}: a CSV file needs --ts-column and --rate-column`, '22023',
          `Name the header's timestamp and rate columns, for example --ts-column time --rate-column close. Header: ${firstLine.slice(0, 200)}`);
      }
      this.layout = csvLayout(firstLine, this.opts.tsColumn, this.opts.rateColumn);
      return true; // the header is not a data line
    }
    return false;
  }

  private lines(text: string): string {
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    let out = '';
    const c = this.counts;
    for (let line of parts) {
      this.lineNo++;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line.trim() === '') { c.blank++; continue; }
      if (this.zone === undefined && this.start(line)) continue;
      c.lines++;
      let r: LineResult & { utc?: boolean };
      r = this.format === 'histdata' ? parseHistdataLine(line) : parseCsvLine(line, this.layout!);
      if (r.kind !== 'bar') {
        c[r.kind === 'header' ? 'malformed' : r.kind]++;
        continue;
      }
      const utc = r.utc ? r.localMs : this.zone!.toUtc(r.localMs);
      if (utc < this.lastUtc) c.out_of_order++;
      else this.lastUtc = utc;
      const minute = utc / 60_000; // small integers print fast
      const repeated = this.seen.has(minute);
      if (!repeated) this.seen.add(minute);
      out += `${this.lineNo}\t${minute}\t${r.text}\t${repeated ? 't' : 'f'}\n`;
    }
    return out;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.onBytes(chunk.length);
      const out = this.lines(this.rest + this.decoder.write(chunk));
      if (out) this.push(out);
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      const tail = this.rest + this.decoder.end();
      const out = tail === '' ? '' : this.lines(tail + '\n');
      if (out) this.push(out);
      done();
    } catch (e) {
      done(e as Error);
    }
  }
}

interface MergeRow {
  month: string;
  new_bars: string;
  identical_bars: string;
  changed_bars: string;
  updated_bars: string;
  dup_identical: string;
  dup_conflicting: string;
}

const tempBuffersSet = new WeakSet<pg.ClientBase>();

/** Imports one file on a connected client, in its own transaction. */
export async function importFile(client: pg.ClientBase, path: string, opts: ImportOptions = {}): Promise<FileCounts> {
  const t0 = performance.now();
  const named = opts.pair ?? pairFromFileName(path);
  if (!named) {
    throw userError(`${path}: cannot tell the pair from the file name`, '22023', 'Name it with --pair, for example --pair EURUSD.');
  }
  let pair: string;
  try {
    pair = (await client.query('select bqx_internal.check_pair($1) as p', [named])).rows[0].p;
  } catch (e) {
    if (!opts.pair) (e as Error).message = `${path}: pair "${named}" taken from the file name: ${(e as Error).message}`;
    if (!opts.pair) (e as { hint?: string }).hint = 'Name the pair with --pair, for example --pair EURUSD.';
    throw e;
  }
  const input = await openInput(path);
  const counts = emptyCounts(path, pair, opts.format ?? '?', opts.tz ?? '?');
  let done = 0;
  const parser = new LineParser(counts, opts, input.innerName, (n) => {
    done += n;
    opts.onProgress?.(path, done, input.size);
  });
  await client.query(`set bqx.live = 'off'`);
  // The staging tables are temporary: with the default 8MB of temp_buffers a year of
  // bars (~22MB staged) is evicted to disk while it is merged. Only takes effect before
  // the session's first temporary table, hence here and not per file.
  if (!tempBuffersSet.has(client)) {
    await client.query(`set temp_buffers = '256MB'`).catch(() => {});
    tempBuffersSet.add(client);
  }
  await client.query('begin');
  try {
    await client.query('select bqx_internal.import_stage_create()');
    await pipeline(input.stream, parser,
      client.query(copyFrom('copy pg_temp.bqx_import_stage (line_no, ts_minute, rate, repeated) from stdin')));
    const r = await client.query<MergeRow>('select * from bqx_internal.import_merge($1, $2)', [pair, opts.update ?? false]);
    await client.query('commit');
    for (const m of r.rows) {
      counts.new += Number(m.new_bars);
      counts.identical += Number(m.identical_bars);
      counts.changed += Number(m.changed_bars);
      counts.updated += Number(m.updated_bars);
      counts.dup_identical += Number(m.dup_identical);
      counts.dup_conflicting += Number(m.dup_conflicting);
      if (Number(m.new_bars) + Number(m.updated_bars) > 0) counts.monthsChanged.push(m.month);
    }
  } catch (e) {
    await client.query('rollback').catch(() => {});
    input.stream.destroy();
    throw e;
  }
  counts.bytes = done;
  counts.seconds = (performance.now() - t0) / 1000;
  return counts;
}

/**
 * After a bulk load: fresh statistics for bqx.m1, so that the backfill and verify plans
 * that follow see hundreds of thousands of bars, not an empty table.
 */
export async function analyzeSource(client: pg.ClientBase): Promise<void> {
  await client.query('analyze bqx.m1');
}
