// bqx export: files read back by an independent reader (DuckDB, not the writer's arrow-rs)
// equal bqx.bqx bit for bit; the Hive folder reads as one table; the month stamp changes
// exactly when the stored month does; re-runs write only changed months; a killed
// exporter leaves whole files only; bad arguments change nothing on disk.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, SELECT_LIST } from '../scripts/export/columns.js';
import { BinaryCopyDecoder } from '../scripts/export/copy-binary-reader.js';
import { MANIFEST_NAME, type Manifest } from '../scripts/export/manifest.js';
import { runExport, type ExportOptions } from '../scripts/export/run.js';
import { loadBars } from './support/bars.js';
import { testDatabase, type TestDb } from './support/db.js';
import { readHistdataCloses } from './support/histdata.js';
import { minuteTimestamps, mulberry32, smoothSeries, sprinkleBadBars } from './support/random-series.js';

const REAL = 'EURUSD';
const SYNTH = 'GBPJPY';
const MONTHS = [[REAL, '2019-01'], [REAL, '2019-02'], [SYNTH, '2024-07']] as const;

let db: TestDb;
let duck: DuckDBConnection;
const dirs: string[] = [];
const newDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'bqx-export-test-'));
  dirs.push(d);
  return d;
};

const exportOpts = (out: string, extra: Partial<ExportOptions> = {}): ExportOptions => ({
  connectionString: db.url, pairs: [REAL, SYNTH], from: '2019-01', to: '2024-07', out,
  format: 'parquet', compression: 'snappy', force: false, ...extra, // snappy: the CLI's default
});

/** Every stored row as comparable strings: float8 as its 8 bytes (float8send), ts_utc in microseconds. */
async function storedRows(): Promise<string[][]> {
  const cols = EXPORT_COLUMNS.map((c) => c.kind === 'timestamp' ? `(extract(epoch from ${c.name}) * 1000000)::bigint::text`
    : c.kind === 'int32' ? `${c.name}::text` : `encode(float8send(${c.name}), 'hex')`);
  const r = await db.query({ text: `select pair, to_char(ts_utc at time zone 'UTC', 'YYYY-MM') as month, ${cols.join(', ')}
       from bqx.bqx where pair in ($1, $2) order by pair, ts_utc`, values: [REAL, SYNTH], rowMode: 'array' });
  return r.rows.map((row: (string | null)[]) => row.map((v) => v ?? 'NULL'));
}

const doubleHex = (x: number): string => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString('hex');
};

/** The same strings from what DuckDB reads in the folder (Hive partitions pair and month). */
async function exportedRows(source: string): Promise<string[][]> {
  const cols = EXPORT_COLUMNS.map((c) => (c.kind === 'timestamp' ? `epoch_us(${c.name})` : c.name));
  const reader = await duck.runAndReadAll(`select pair, month, ${cols.join(', ')} from ${source} order by pair, ts_utc`);
  return reader.getRows().map((row) => row.map((v, i) => {
    if (v === null) return 'NULL';
    if (i < 2) return String(v);
    const c = EXPORT_COLUMNS[i - 2];
    return c.kind === 'float64' ? doubleHex(v as number) : String(v);
  }));
}

const parquetSource = (dir: string) => `read_parquet('${dir}/**/*.parquet', hive_partitioning = true)`;
const csvSource = (dir: string) => `read_csv('${dir}/**/*.csv', hive_partitioning = true, header = true, columns = {${
  EXPORT_COLUMNS.map((c) => `'${c.name}': '${c.kind === 'timestamp' ? 'TIMESTAMPTZ' : c.kind === 'int32' ? 'INTEGER' : 'DOUBLE'}'`).join(', ')}})`;

async function stamps(): Promise<Record<string, string>> {
  const r = await db.query(`select pair || ' ' || month as k, stamp from bqx.export_months(array[$1, $2], '2019-01', '2024-07')`, [REAL, SYNTH]);
  return Object.fromEntries(r.rows.map((x) => [x.k, x.stamp]));
}

/** inode and mtime of every exported file, to see which ones a run replaced */
function fileIds(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [pair, month] of MONTHS) {
    for (const ext of ['parquet', 'csv']) {
      const p = join(dir, `pair=${pair}`, `month=${month}`, `part-0.${ext}`);
      if (existsSync(p)) {
        const s = statSync(p);
        out[`${pair} ${month}`] = `${s.ino}/${s.mtimeMs}`;
      }
    }
  }
  return out;
}

async function cliExport(args: string[], onLine?: (line: string, kill: () => void) => void): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['dist/bqx.js', 'export', ...args], {
    cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, DATABASE_URL: db.url },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const line of d.toString().split('\n')) if (line) onLine?.(line, () => child.kill('SIGKILL'));
  });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

beforeAll(async () => {
  db = await testDatabase('export');
  duck = await (await DuckDBInstance.create(':memory:')).connect();
  // two months of real bars: January and February 2019 (HistData EST -> UTC), last line wins
  const bars = await readHistdataCloses(REAL, 2019, 64_000);
  const byTime = new Map<number, number>();
  bars.ts.forEach((t, i) => { if (t.getTime() < Date.UTC(2019, 2, 1)) byTime.set(t.getTime(), bars.rate[i]); });
  const times = [...byTime.keys()].sort((a, b) => a - b);
  await loadBars(db, REAL, times.map((t) => new Date(t)), times.map((t) => byTime.get(t) as number));
  // one synthetic month with bad bars of every kind (NULL, NaN, ±Infinity, 0, -0, negative)
  const n = 31 * 1440;
  const rates = sprinkleBadBars(mulberry32(13), smoothSeries(13, n, 150, 1e-5), 0.02);
  await loadBars(db, SYNTH, minuteTimestamps(n, Date.UTC(2024, 6, 1)), rates);
  for (const [pair, month] of MONTHS) await db.query(`call bqx.backfill($1, $2)`, [pair, month]);
}, 300_000);

afterAll(async () => {
  duck?.closeSync();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await db?.end();
});

describe('bqx export: the files', () => {
  it('Parquet: DuckDB reads the folder as one table equal to bqx.bqx bit for bit, with the stated types', async () => {
    const dir = newDir();
    const r = await runExport(exportOpts(dir));
    expect(r.written.map((e) => e.path)).toEqual(MONTHS.map(([p, m]) => `pair=${p}/month=${m}/part-0.parquet`));
    const stored = await storedRows();
    expect(stored.length).toBeGreaterThan(90_000);
    expect(stored.some((row) => row.includes('NULL'))).toBe(true); // the first 75 bars of each history
    expect(await exportedRows(parquetSource(dir))).toEqual(stored);
    // the other codec reads back to the same bits; each file says which codec it holds
    const zstdDir = newDir();
    await runExport(exportOpts(zstdDir, { compression: 'zstd' }));
    expect(await exportedRows(parquetSource(zstdDir))).toEqual(stored);
    for (const [d, codec] of [[dir, 'SNAPPY'], [zstdDir, 'ZSTD']]) {
      const codecs = (await duck.runAndReadAll(
        `select distinct compression from parquet_metadata('${d}/**/*.parquet') where path_in_schema = 'rate'`)).getRowObjects();
      expect(codecs.map((c) => String(c.compression))).toEqual([codec]);
    }

    const file = join(dir, `pair=${REAL}`, 'month=2019-01', 'part-0.parquet');
    const schema = (await duck.runAndReadAll(
      `select name, type, logical_type::varchar as logical, repetition_type from parquet_schema('${file}') where type is not null`)).getRowObjects();
    expect(schema.map((s) => s.name)).toEqual(EXPORT_COLUMNS.map((c) => c.name));
    expect(schema[0]).toMatchObject({ name: 'ts_utc', type: 'INT64', repetition_type: 'REQUIRED' });
    expect(String(schema[0].logical)).toMatch(/isAdjustedToUTC=1.*MICROS|TimestampType\(isAdjustedToUTC=1, unit=TimeUnit\(MILLIS=<null>, MICROS=MicroSeconds/);
    expect(schema[1]).toMatchObject({ name: 'rate', type: 'DOUBLE', repetition_type: 'REQUIRED' });
    expect(schema.at(-1)).toMatchObject({ name: 'agg_sign_balance', type: 'INT32', repetition_type: 'OPTIONAL' });
    expect(schema.slice(2, -1).every((s) => s.type === 'DOUBLE' && s.repetition_type === 'OPTIONAL')).toBe(true);
    const types = (await duck.runAndReadAll(`describe select * from ${parquetSource(dir)}`)).getRowObjects();
    const typeOf = Object.fromEntries(types.map((t) => [t.column_name, t.column_type]));
    expect(typeOf).toMatchObject({ ts_utc: 'TIMESTAMP WITH TIME ZONE', rate: 'DOUBLE', agg_sign_balance: 'INTEGER', pair: 'VARCHAR', month: 'VARCHAR' });

    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8')) as Manifest;
    const counts = await db.query(`select pair || ' ' || to_char(ts_utc at time zone 'UTC', 'YYYY-MM') as k, count(*)::int as n,
        min(ts_utc) as first, max(ts_utc) as last from bqx.bqx group by 1`);
    for (const c of counts.rows) {
      expect(manifest.files[c.k]).toMatchObject({ rows: c.n, first_ts: c.first.toISOString(), last_ts: c.last.toISOString() });
    }
  });

  it('CSV: the server-written files read back to the same bits', async () => {
    const dir = newDir();
    await runExport(exportOpts(dir, { format: 'csv' }));
    expect(await exportedRows(csvSource(dir))).toEqual(await storedRows());
    const head = readFileSync(join(dir, `pair=${REAL}`, 'month=2019-01', 'part-0.csv'), 'utf8').split('\n').slice(0, 2);
    expect(head[0]).toBe(EXPORT_COLUMNS.map((c) => c.name).join(','));
    expect(head[1]).toMatch(/^2019-01-0\d \d\d:\d\d:00\+00,1\.\d+,,/); // UTC, then NULL features as empty fields
  });
});

describe('the binary COPY decoder', () => {
  it('decodes the same rows however the stream is cut into chunks (rows straddling chunks, 1-byte chunks)', async () => {
    const client = await db.pool.connect();
    const chunks: Buffer[] = [];
    try {
      const sql = `copy (select ${SELECT_LIST} from bqx.bqx where pair = '${SYNTH}' order by ts_utc) to stdout (format binary)`;
      for await (const c of client.query(copyTo(sql))) chunks.push(c as Buffer);
    } finally {
      client.release();
    }
    const all = Buffer.concat(chunks);
    const decode = (cuts: number[]) => {
      const d = new BinaryCopyDecoder(EXPORT_COLUMNS, 1000); // too small on purpose: it must grow
      let from = 0;
      for (const to of [...cuts, all.length]) { d.push(all.subarray(from, to)); from = to; }
      return d.finish();
    };
    const whole = decode([]);
    expect(whole.rows).toBeGreaterThan(40_000);
    const rng = mulberry32(5);
    const randomCuts = (n: number, max: number) => {
      const cuts: number[] = [];
      for (let at = 0; ;) { at += 1 + Math.floor(rng() * max); if (at >= all.length) return cuts; cuts.push(at); if (cuts.length >= n) return cuts; }
    };
    for (const cuts of [randomCuts(100_000, 700), randomCuts(100_000, 9000), Array.from({ length: 3000 }, (_, i) => i + 1)]) {
      const again = decode(cuts);
      expect(again.rows).toBe(whole.rows);
      expect(Buffer.from(again.ts.buffer, 0, whole.rows * 8).equals(Buffer.from(whole.ts.buffer, 0, whole.rows * 8))).toBe(true);
      again.values.forEach((v, i) => { if (v) expect(Buffer.from(v.buffer).equals(Buffer.from((whole.values[i] as typeof v).buffer))).toBe(true); });
      again.validity.forEach((v, i) => { if (v) expect(Buffer.from(v.buffer).equals(Buffer.from((whole.validity[i] as Uint8Array).buffer))).toBe(true); });
      expect(again.nullCounts).toEqual(whole.nullCounts);
    }
    expect(() => { const d = new BinaryCopyDecoder(EXPORT_COLUMNS, 10); d.push(all.subarray(0, all.length - 2)); d.finish(); })
      .toThrow(/without its trailer/);
  });
});

describe('bqx export: the month stamp (bqx.export_months)', () => {
  it('is unchanged when nothing happened, also through VACUUM FREEZE', async () => {
    const before = await stamps();
    expect(await stamps()).toEqual(before);
    await db.query(`vacuum (freeze) bqx.bqx`);
    expect(await stamps()).toEqual(before);
  });

  it('changes when a backfill rewrites the month, only for that month; not when the backfill changed nothing', async () => {
    const key = `${REAL} 2019-01`;
    let before = await stamps();
    // a re-run over the same bars writes no row (write_month upserts only rows that differ):
    // the stored month is the same, so is its stamp, and the export has nothing to redo
    await db.query(`call bqx.backfill($1, '2019-01')`, [REAL]);
    expect(await stamps()).toEqual(before);
    // a source bar changed behind live mode's back (a bulk loader), then the backfill
    const c = await db.pool.connect();
    try {
      await c.query('begin');
      await c.query(`set local bqx.live = 'off'`);
      await c.query(`update bqx.m1 set rate = rate * 1.0001 where pair = $1 and ts_utc = (
                       select min(ts_utc) from bqx.m1 where pair = $1 and ts_utc >= '2019-01-15')`, [REAL]);
      await c.query('commit');
    } finally {
      c.release();
    }
    before = await stamps();
    await db.query(`call bqx.backfill($1, '2019-01')`, [REAL]);
    const after = await stamps();
    expect(after[key]).not.toBe(before[key]);
    expect({ ...after, [key]: '' }).toEqual({ ...before, [key]: '' });
  });

  it('changes when live mode inserts, updates or deletes rows of the month', async () => {
    const key = `${REAL} 2019-02`;
    let before = await stamps();
    // a new bar on a Saturday (inside the weekend gap): one row more, and the 75 after it recomputed
    await db.query(`insert into bqx.m1 values ($1, '2019-02-02 12:00:00Z', 1.1456)`, [REAL]);
    let after = await stamps();
    expect(after[key]).not.toBe(before[key]);
    expect(after[`${REAL} 2019-01`]).toBe(before[`${REAL} 2019-01`]);
    before = after;
    await db.query(`update bqx.m1 set rate = 1.1457 where pair = $1 and ts_utc = '2019-02-02 12:00:00Z'`, [REAL]);
    after = await stamps();
    expect(after[key]).not.toBe(before[key]);
    before = after;
    await db.query(`delete from bqx.m1 where pair = $1 and ts_utc = '2019-02-02 12:00:00Z'`, [REAL]);
    after = await stamps();
    expect(after[key]).not.toBe(before[key]);
  });
});

describe('bqx export: incremental, atomic', () => {
  it('re-running writes nothing; after a live insert only that month is rewritten; --force rewrites all', async () => {
    const dir = newDir();
    await runExport(exportOpts(dir));
    const ids = fileIds(dir);
    const again = await runExport(exportOpts(dir));
    expect(again.written).toEqual([]);
    expect(again.unchanged).toBe(3);
    expect(fileIds(dir)).toEqual(ids);

    await db.query(`insert into bqx.m1 values ($1, '2019-02-09 10:30:00Z', 1.1330)`, [REAL]);
    const changed = await runExport(exportOpts(dir));
    expect(changed.written.map((e) => `${e.pair} ${e.month}`)).toEqual([`${REAL} 2019-02`]);
    const now = fileIds(dir);
    expect(now[`${REAL} 2019-02`]).not.toBe(ids[`${REAL} 2019-02`]);
    expect({ ...now, [`${REAL} 2019-02`]: '' }).toEqual({ ...ids, [`${REAL} 2019-02`]: '' });
    expect(await exportedRows(parquetSource(dir))).toEqual(await storedRows());

    const forced = await runExport(exportOpts(dir, { force: true }));
    expect(forced.written).toHaveLength(3);
  });

  it('a file deleted by hand is written again', async () => {
    const dir = newDir();
    await runExport(exportOpts(dir));
    rmSync(join(dir, `pair=${SYNTH}`, 'month=2024-07', 'part-0.parquet'));
    const r = await runExport(exportOpts(dir));
    expect(r.written.map((e) => `${e.pair} ${e.month}`)).toEqual([`${SYNTH} 2024-07`]);
  });

  it('an exporter killed mid-run leaves whole files only; the next run completes and sweeps its temporary files', async () => {
    const dir = newDir();
    await runExport(exportOpts(dir, { format: 'csv' }));
    // a stale temporary file of a dead exporter, as a kill mid-file leaves it
    const stale = join(dir, `pair=${REAL}`, 'month=2019-01', '.part-0.csv.999999999.tmp');
    writeFileSync(stale, 'ts_utc,rate\n2019-01-01 22:02:00+00,1.1');
    const run = await cliExport(['--pairs', `${REAL},${SYNTH}`, '--from', '2019-01', '--to', '2024-07', '--out', dir, '--format', 'csv', '--force'],
      (line, kill) => { if (line.startsWith('export: 1/')) kill(); });
    expect(run.signal).toBe('SIGKILL');
    const visible = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => /part-0\.csv$/.test(p)).sort();
    expect(visible).toHaveLength(3);
    expect(await exportedRows(csvSource(dir))).toEqual(await storedRows()); // every visible file whole
    JSON.parse(readFileSync(join(dir, MANIFEST_NAME), 'utf8'));

    await runExport(exportOpts(dir, { format: 'csv' }));
    expect(existsSync(stale)).toBe(false); // swept by the killed run as it started, or by this one
    expect(readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.tmp'))).toEqual([]);
    expect(await exportedRows(csvSource(dir))).toEqual(await storedRows());
  });
});

describe('bqx export: errors change nothing on disk', () => {
  const expectError = async (o: Partial<ExportOptions>, code: string, message: RegExp) => {
    const dir = join(newDir(), 'out');
    await expect(runExport(exportOpts(dir, o))).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(existsSync(dir)).toBe(false);
  };

  it('unknown pair, reversed range, a range without stored months', async () => {
    await expectError({ pairs: ['XXXYYY'] }, '22023', /unknown pair/);
    await expectError({ from: '2019-03', to: '2019-01' }, '22023', /after to month/);
    await expectError({ from: '2020-01', to: '2020-02' }, 'P0002', /nothing to export/);
    await expectError({ from: '2019-13', to: '2019-13' }, '22008', /month out of range/);
  });

  it('an unwritable folder, a folder holding the other format', async () => {
    const file = join(newDir(), 'a-file');
    writeFileSync(file, 'x');
    await expect(runExport(exportOpts(join(file, 'sub')))).rejects.toMatchObject({ code: '58030', message: expect.stringMatching(/cannot write to the export folder/) });
    const dir = newDir();
    await runExport(exportOpts(dir, { format: 'csv' }));
    await expect(runExport(exportOpts(dir))).rejects.toMatchObject({ code: '22023', message: expect.stringMatching(/holds a csv export/) });
  });

  it('the command prints the SQLSTATE, DETAIL and HINT and exits 1', async () => {
    const dir = join(newDir(), 'out');
    const r = await cliExport(['--pairs', 'XXXYYY', '--from', '2019-01', '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown pair 'XXXYYY' \(SQLSTATE 22023\)/);
    expect(r.stderr).toMatch(/HINT: Register it first/);
    expect(existsSync(dir)).toBe(false);
  });

  it('a reader may export', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('set role bqx_reader');
      const r = await client.query(`select count(*)::int as n from bqx.export_months(null, '2019-01', '2024-07')`);
      expect(r.rows[0].n).toBe(3);
    } finally {
      await client.query('reset role');
      client.release();
    }
  });
});
