// bqx export: the pair-months of a range -> one file per pair-month in Hive-style
// folders DIR/pair=EURUSD/month=2024-07/part-0.parquet (or .csv), incrementally.
//
//   plan      bqx.export_months(pairs, from, to): the stored months with their stamps;
//             a month is written when --force, when the manifest has no entry for it,
//             when its stamp differs from the manifest's, or when its file is missing
//   per month one REPEATABLE READ READ ONLY transaction: lock the pair's partition
//             (a backfill swap then waits, or has committed before our snapshot),
//             re-read the month's stamp, stream its rows with COPY TO STDOUT (binary for
//             Parquet, CSV made by the server for CSV): stamp and rows from one snapshot
//   write     a hidden temporary file in the month's folder, fsync, rename over
//             part-0.*; then the manifest (also replaced by rename). A crash leaves
//             whole files only; stale temporary files are removed on the next run.
//             Parquet is encoded and written on a thread of its own
//             (parquet-encoder.ts) while the main thread reads the next month
// Memory is bounded by a few months (<= 44,640 rows each), whatever the range.
import { closeSync, createWriteStream, existsSync, fsyncSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { EXPORT_COLUMNS, SELECT_LIST } from './columns.js';
import { BinaryCopyDecoder } from './copy-binary-reader.js';
import { commitTemp, sweepStaleTemps, tempPathFor } from './files.js';
import { entryKey, MANIFEST_VERSION, readManifest, writeManifest, type FileFormat, type Manifest, type ManifestEntry } from './manifest.js';
import { ParquetEncoder } from './parquet-encoder.js';
import type { ParquetCompression } from './parquet.js';
import { INVALID_PARAMETER, UserError } from '../lib/user-error.js';

export interface ExportOptions {
  connectionString: string;
  /** null = every registered pair */
  pairs: string[] | null;
  from: string;
  to: string;
  out: string;
  format: FileFormat;
  /** Parquet only */
  compression: ParquetCompression;
  force: boolean;
  /** after each file written or skipped */
  onProgress?: (p: ExportProgress) => void;
}

export interface ExportProgress {
  filesDone: number;
  filesToWrite: number;
  rowsDone: number;
  rowsToWrite: number;
  last: { pair: string; month: string; rows: number };
}

export interface ExportResult {
  /** pair-months stored in the range */
  months: number;
  written: ManifestEntry[];
  unchanged: number;
  rows: number;
  bytes: number;
  seconds: number;
  staleTempsRemoved: number;
}

interface MonthRow { pair: string; month: string; row_count: string; first_ts: Date | null; last_ts: Date | null; stamp: string }

function ioError(what: string, e: unknown, hint: string): UserError {
  const err = e as NodeJS.ErrnoException;
  return new UserError(`${what}: ${err.code ?? 'error'}`, '58030', hint, err.message);
}

/** Create DIR if needed and prove it takes files, before anything else is written. */
function prepareFolder(dir: string): void {
  const probe = join(dir, `.bqx-write-probe.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    closeSync(openSync(probe, 'w'));
    rmSync(probe);
  } catch (e) {
    throw ioError(`cannot write to the export folder ${dir}`, e, 'Choose a folder you may write to with --out.');
  }
}

export const relativePath = (pair: string, month: string, format: FileFormat): string =>
  `pair=${pair}/month=${month}/part-0.${format}`;

function monthBounds(month: string): [string, string] {
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return [`${month}-01 00:00:00+00`, `${next}-01 00:00:00+00`];
}

/**
 * Reads one month in its own snapshot and writes its file. For Parquet it resolves once the
 * rows are read; the file is then written by the encoder thread while the caller reads the
 * next month (`written` settles when the file is in place).
 */
async function exportMonth(client: pg.Client, o: ExportOptions, encoder: ParquetEncoder | null, pair: string, month: string): Promise<{ written: Promise<ManifestEntry> }> {
  const path = relativePath(pair, month, o.format);
  const file = join(o.out, path);
  const tmp = tempPathFor(file);
  mkdirSync(join(o.out, `pair=${pair}`, `month=${month}`), { recursive: true });
  await client.query('begin isolation level repeatable read, read only');
  try {
    // before the first query, so the snapshot is taken after any swap of this pair has committed
    await client.query(`lock table bqx.${client.escapeIdentifier(`bqx_${pair.toLowerCase()}`)} in access share mode`);
    const cur = (await client.query<MonthRow>('select * from bqx.export_months(array[$1], $2, $2)', [pair, month])).rows[0];
    const [start, end] = monthBounds(month);
    const select = `select ${SELECT_LIST} from bqx.bqx where pair = ${client.escapeLiteral(pair)}
       and ts_utc >= ${client.escapeLiteral(start)} and ts_utc < ${client.escapeLiteral(end)} order by ts_utc`;
    const expected = Number(cur.row_count);
    const entryOf = (bytes: number): ManifestEntry => ({
      pair, month, path, rows: expected,
      first_ts: cur.first_ts?.toISOString() ?? null, last_ts: cur.last_ts?.toISOString() ?? null,
      stamp: cur.stamp, bytes, written_at: new Date().toISOString(),
    });
    if (o.format === 'parquet') {
      const decoder = new BinaryCopyDecoder(EXPORT_COLUMNS, expected);
      for await (const chunk of client.query(copyTo(`copy (${select}) to stdout (format binary)`))) decoder.push(chunk as Buffer);
      const batch = decoder.finish();
      if (batch.rows !== expected) throw new Error(`${pair} ${month}: COPY gave ${batch.rows} rows, the month holds ${expected}`);
      await client.query('commit');
      const metadata = { 'bqx.pair': pair, 'bqx.month': month, 'bqx.stamp': cur.stamp };
      const written = (encoder as ParquetEncoder).write(file, batch, o.compression, metadata).then((bytes) => entryOf(bytes));
      written.catch(() => {}); // awaited by the caller; never an unhandled rejection meanwhile
      return { written };
    } else {
      // the server writes the CSV: shortest exact float8 text (extra_float_digits >= 1
      // round-trips every double), ISO timestamps in UTC
      await client.query(`set local timezone = 'UTC'`);
      await client.query(`set local datestyle = 'ISO, YMD'`);
      await client.query(`set local extra_float_digits = 1`);
      const fd = openSync(tmp, 'w');
      const out = createWriteStream('', { fd, autoClose: false });
      try {
        await pipeline(client.query(copyTo(`copy (${select}) to stdout (format csv, header true)`)), out);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      commitTemp(tmp, file);
    }
    await client.query('commit');
    return { written: Promise.resolve(entryOf(statSync(file).size)) };
  } catch (e) {
    await client.query('rollback').catch(() => {});
    rmSync(tmp, { force: true });
    throw e;
  }
}

export async function runExport(o: ExportOptions): Promise<ExportResult> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: o.connectionString, application_name: 'bqx export' });
  await client.connect();
  try {
    return await exportWith(client, o, started);
  } finally {
    await client.end().catch(() => {});
  }
}

async function exportWith(client: pg.Client, o: ExportOptions, started: number): Promise<ExportResult> {
  // the arguments are checked by the database (unknown pair, bad or empty range) before
  // anything is created on disk
  const plan = (await client.query<MonthRow>('select * from bqx.export_months($1::text[], $2, $3)', [o.pairs, o.from, o.to])).rows;
  prepareFolder(o.out);
  const old = readManifest(o.out);
  if (old && old.format !== o.format) {
    throw new UserError(`${o.out} holds a ${old.format} export, not ${o.format}`, INVALID_PARAMETER,
      `Export ${o.format} into another folder (--out).`, 'One folder holds one format, so that readers see one table.');
  }
  const manifest: Manifest = {
    version: MANIFEST_VERSION, format: o.format, compression: o.format === 'parquet' ? o.compression : 'none',
    columns: EXPORT_COLUMNS.map((c) => c.name), files: { ...(old?.files ?? {}) },
  };
  const todo = plan.filter((m) => {
    const e = manifest.files[entryKey(m.pair, m.month)];
    return o.force || !e || e.stamp !== m.stamp || !existsSync(join(o.out, e.path));
  });
  const staleTempsRemoved = sweepStaleTemps(o.out);
  const rowsToWrite = todo.reduce((s, m) => s + Number(m.row_count), 0);
  const written: ManifestEntry[] = [];
  let rowsDone = 0;
  const record = async (pending: Promise<ManifestEntry>) => {
    const entry = await pending;
    manifest.files[entryKey(entry.pair, entry.month)] = entry;
    await writeManifest(o.out, manifest);
    written.push(entry);
    rowsDone += entry.rows;
    o.onProgress?.({ filesDone: written.length, filesToWrite: todo.length, rowsDone, rowsToWrite, last: { pair: entry.pair, month: entry.month, rows: entry.rows } });
  };
  const encoder = o.format === 'parquet' && todo.length > 0 ? new ParquetEncoder() : null;
  try {
    // month k+1 is read (COPY, decode) while the encoder thread writes month k
    let inFlight: Promise<ManifestEntry> | null = null;
    for (const m of todo) {
      const next = await exportMonth(client, o, encoder, m.pair, m.month);
      if (inFlight) await record(inFlight);
      inFlight = next.written;
    }
    if (inFlight) await record(inFlight);
  } finally {
    await encoder?.close();
  }
  if (!old && todo.length === 0) await writeManifest(o.out, manifest); // an export with nothing to write still leaves its manifest
  return {
    months: plan.length, written, unchanged: plan.length - todo.length,
    rows: rowsDone, bytes: written.reduce((s, e) => s + e.bytes, 0),
    seconds: (performance.now() - started) / 1000, staleTempsRemoved,
  };
}
