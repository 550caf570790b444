// bqx import, the engine room: one file at a time.
//   1. read and parse the whole file in Node (file-parser.ts): its good bars, the count of
//      every other kind of line, and the file's duplicate rule (bars.ts: the last line
//      wins), giving one bar per instant in time order; every resource is bounded
//      (limits.ts) and a file without a good bar is an error;
//   2. in one transaction, write them with binary COPYs (lib/copy-bars.ts):
//      - the bars of every UTC month in which bqx.m1 holds no bar of the pair yet go
//        straight into bqx.m1 (a fresh import: the common case, and the fast one);
//      - the others into a temporary staging table, and bqx_internal.import_merge()
//        classifies them against bqx.m1 (new / identical / changed), inserts the new ones;
//      then, still before COMMIT, the backfill plan of the changed months is checked.
// The loading session runs with bqx.live = 'off': the live trigger skips bulk loads, the
// months touched are backfilled afterwards.
import type pg from 'pg';
import type { Winners } from './bars.js';
import { copyBars } from '../lib/copy-bars.js';
import { emptyCounts, LINE_KINDS, type FileCounts } from './counts.js';
import { FileParser, type ParseOptions } from './file-parser.js';
import { pairFromFileName } from './formats.js';
import { openInput, type Input } from './input.js';
import { importLimits, type ImportLimits } from './limits.js';
import { INVALID_PARAMETER, UserError } from '../lib/user-error.js';

export interface ImportProgress {
  file: string;
  /** read: bytes of text read and parsed; write: bars written */
  phase: 'read' | 'write';
  done: number;
  total: number;
}

export interface ImportOptions extends ParseOptions {
  /** pair of every file; default: from each file name */
  pair?: string;
  /** a bar already stored with another rate takes the file's rate (default: kept) */
  update?: boolean;
  /** resource limits (limits.ts); default: importLimits() (the defaults, or their environment variables) */
  limits?: ImportLimits;
  onProgress?: (p: ImportProgress) => void;
}

interface MergeRow {
  month: string;
  new_bars: string;
  identical_bars: string;
  changed_bars: string;
  updated_bars: string;
}

const tempBuffersSet = new WeakSet<pg.ClientBase>();

async function checkedPair(client: pg.ClientBase, path: string, opts: ImportOptions): Promise<string> {
  const named = opts.pair ?? pairFromFileName(path);
  if (!named) {
    throw new UserError(`${path}: cannot tell the pair from the file name`, INVALID_PARAMETER, 'Name it with --pair, for example --pair EURUSD.');
  }
  try {
    return (await client.query('select bqx_internal.check_pair($1) as p', [named])).rows[0].p;
  } catch (e) {
    if (opts.pair) throw e;
    // check_pair's refusal (a UserError's fields), said of the name the pair came from
    const err = e as UserError;
    throw new UserError(`${path}: pair "${named}" taken from the file name: ${err.message}`, err.code,
      'Name the pair with --pair, for example --pair EURUSD.', err.detail);
  }
}

/** Step 1: the file's bars, one per instant, and the counts of its lines. */
async function readFile(input: Input, counts: FileCounts, opts: ImportOptions, limits: ImportLimits): Promise<Winners> {
  const { path } = input;
  const parser = new FileParser(counts, opts, input.innerName, limits);
  const damaged = (why: string): Error => new UserError(`${path}: ${input.innerName} is damaged: ${why}`, '22P04',
    'Download the file again, or unzip it and pass the CSV.');
  let read = 0;
  try {
    for await (const chunk of input.stream as AsyncIterable<Buffer>) {
      read += chunk.length;
      // a zip entry inflating to more than its header says: stop now, not at the end
      if (input.exactSize && read > input.size) throw damaged(`more than the ${input.size} bytes the zip says`);
      parser.write(chunk);
      opts.onProgress?.({ file: path, phase: 'read', done: read, total: input.size });
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) throw damaged((e as Error).message); // zlib: corrupt data
    throw e;
  }
  parser.end();
  if (input.exactSize && read !== input.size) throw damaged(`${read} bytes inflated, the zip says ${input.size}`);
  counts.bytes = read;
  const bars = parser.bars.winners();
  counts.dup_identical = bars.dupIdentical;
  counts.dup_conflicting = bars.dupConflicting;
  if (bars.n === 0) throw nothingToStore(input, counts);
  return bars;
}

/** A file without a single good bar is an error, not "every bar was already there". */
function nothingToStore(input: Input, c: FileCounts): Error {
  const name = input.path;
  if (c.lines === 0) {
    return new UserError(`${name}: no bar lines (${c.bytes.toLocaleString('en-US')} bytes, ${c.blank} blank lines)`, '22P04',
      'Pass a HistData.com file (zip or CSV) or a CSV with a header line and bar lines.', 'Nothing was stored.');
  }
  const kinds = LINE_KINDS.filter(([k]) => c[k] > 0).map(([k, label]) => `${c[k].toLocaleString('en-US')} ${label}`);
  return new UserError(`${name}: not one good bar in ${c.lines.toLocaleString('en-US')} data lines (read as ${c.format}, times in ${c.tz})`, '22P02',
    'Check --format (histdata: YYYYMMDD HHMMSS;open;high;low;close;volume), --tz, or --ts-column and --rate-column.',
    `Nothing was stored. The lines: ${kinds.join('; ')}.`);
}

/** Bars sorted by time -> one run of bars per UTC month: [month YYYY-MM, start, end). */
function barRangesByMonth(bars: Winners): [string, number, number][] {
  const runs: [string, number, number][] = [];
  for (let i = 0; i < bars.n; ) {
    const d = new Date(bars.minutes[i] * 60_000);
    const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 60_000;
    let end = i + 1;
    while (end < bars.n && bars.minutes[end] < monthEnd) end++;
    runs.push([d.toISOString().slice(0, 7), i, end]);
    i = end;
  }
  return runs;
}

/** The runs of `bars` whose month is (or is not) in `months`, copied into one Winners. */
function pickMonths(bars: Winners, runs: [string, number, number][], months: ReadonlySet<string>, inSet: boolean): Winners {
  const rs = runs.filter(([m]) => months.has(m) === inSet);
  if (rs.length === runs.length) return bars;
  const n = rs.reduce((a, [, x, y]) => a + y - x, 0);
  const w: Winners = { minutes: new Float64Array(n), rates: new Float64Array(n), n, dupIdentical: 0, dupConflicting: 0 };
  let o = 0;
  for (const [, x, y] of rs) {
    w.minutes.set(bars.minutes.subarray(x, y), o);
    w.rates.set(bars.rates.subarray(x, y), o);
    o += y - x;
  }
  return w;
}

/**
 * Step 2: the bars into bqx.m1, in one transaction; fills the counts of what happened to
 * them. Bars of months where bqx.m1 holds no bar of the pair yet go straight in with one
 * binary COPY; those of the other months through the staging table and import_merge().
 */
async function writeBars(client: pg.ClientBase, path: string, pair: string, bars: Winners, counts: FileCounts, opts: ImportOptions): Promise<void> {
  let written = 0;
  const onRows = (done: number) => opts.onProgress?.({ file: path, phase: 'write', done: written + done, total: bars.n });
  await client.query(`set bqx.live = 'off'`);
  // The staging tables are temporary: with the default 8MB of temp_buffers a year of
  // bars is evicted to disk while it is merged. Only takes effect before the session's
  // first temporary table, hence here and not per file.
  if (!tempBuffersSet.has(client)) {
    await client.query(`set temp_buffers = '256MB'`).catch(() => {});
    tempBuffersSet.add(client);
  }
  const lo = new Date(bars.minutes[0] * 60_000);
  const hi = new Date(bars.minutes[bars.n - 1] * 60_000);
  await client.query('begin');
  try {
    const r = await client.query('select m from bqx_internal.import_months_with_bars($1, $2, $3) m', [pair, lo, hi]);
    const holding = new Set(r.rows.map((x) => x.m as string));
    const runs = barRangesByMonth(bars);
    const direct = pickMonths(bars, runs, holding, false);
    let toMerge = pickMonths(bars, runs, holding, true);
    if (direct.n > 0) {
      await client.query('savepoint bqx_import_direct');
      try {
        await copyBars(client, 'copy bqx.m1 (pair, ts_utc, rate) from stdin (format binary)', direct, pair, onRows);
        await client.query('release savepoint bqx_import_direct');
        counts.new += direct.n;
        counts.monthsChanged.push(...runs.filter(([m]) => !holding.has(m)).map(([m]) => m));
        written = direct.n;
      } catch (e) {
        // another session stored one of these bars since the check: merge them all
        if ((e as { code?: string }).code !== '23505') throw e;
        await client.query('rollback to savepoint bqx_import_direct');
        toMerge = bars;
      }
    }
    if (toMerge.n > 0) {
      await client.query('select bqx_internal.import_stage_create()');
      await copyBars(client, 'copy pg_temp.bqx_import_stage (ts_utc, rate) from stdin (format binary)', toMerge, null, onRows);
      const m = await client.query<MergeRow>('select * from bqx_internal.import_merge($1, $2)', [pair, opts.update ?? false]);
      for (const row of m.rows) {
        counts.new += Number(row.new_bars);
        counts.identical += Number(row.identical_bars);
        counts.changed += Number(row.changed_bars);
        counts.updated += Number(row.updated_bars);
        if (Number(row.new_bars) + Number(row.updated_bars) > 0) counts.monthsChanged.push(row.month);
      }
    }
    // the last check before COMMIT: the backfill plan of these months can be made (an
    // error here rolls the file back; after COMMIT nothing can fail but the connection)
    await client.query('select pg_catalog.count(*) from bqx_internal.import_backfill_plan($1, $2)',
      [counts.monthsChanged.map(() => pair), counts.monthsChanged]);
    await client.query('commit');
    counts.monthsChanged.sort();
  } catch (e) {
    await client.query('rollback').catch(() => {});
    throw e;
  }
}

/** Imports one file on a connected client; its bars are written in one transaction. */
export async function importFile(client: pg.ClientBase, path: string, opts: ImportOptions = {}): Promise<FileCounts> {
  const t0 = performance.now();
  const limits = opts.limits ?? importLimits();
  const input = await openInput(path, limits); // a missing file says so, before anything else
  let bars: Winners;
  let counts: FileCounts;
  try {
    const pair = await checkedPair(client, path, opts);
    counts = emptyCounts(path, pair, opts.format ?? '?', opts.tz ?? '?');
    bars = await readFile(input, counts, opts, limits);
  } finally {
    input.close();
  }
  await writeBars(client, path, counts.pair, bars, counts, opts);
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
