// bqx export and bqx.features_asof (run by bench/run.ts, or alone: npx tsx bench/export.ts URL).
//
//   yardstick    a plain COPY (select * from bqx.bqx where <the pair-year>) TO STDOUT,
//                every byte read by Node and dropped: what any client pays to get the rows
//   parquet/csv  `bqx export` of the same pair-year into a fresh folder (Parquet with the
//                default snappy and with zstd), in a child process
//                (dist/bqx.js, as a user runs it): its own rows/s and peak RSS
//   peak RSS     of one month's export beside the year's: memory must not grow with the range
//   asof         bqx.features_asof over 50,000 random points of the year, server side
// Best of two runs each (the machines are noisy). The database must be migrated; the
// real EURUSD 2019 bars are imported and backfilled into it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { projectRoot } from '../scripts/lib/paths.js';
import { importFile } from '../scripts/import/loader.js';
import { fullYearHistdataZip, histdataZip } from '../test/support/histdata.js';

const PAIR = 'EURUSD';
const YEAR = 2019;
const POINTS = 50_000;

export interface ExportRun { rows: number; megabytes: number; seconds: number; rowsPerSec: number; peakRssMb: number }
export interface ExportBench {
  /** the pair-year from BQX_HISTDATA_DIR (false: the repository's two-month excerpt) */
  fullYear: boolean;
  rows: number;
  copy: { seconds: number; rowsPerSec: number; bytes: number };
  /** the default codec (snappy) */
  parquet: ExportRun;
  parquetZstd: ExportRun;
  csv: ExportRun;
  oneMonthPeakRssMb: number;
  asof: { points: number; seconds: number; pointsPerSec: number };
}

async function cliExport(url: string, args: string[]): Promise<ExportRun> {
  const out = mkdtempSync(join(tmpdir(), 'bqx-bench-export-'));
  try {
    const child = spawn(process.execPath, ['dist/bqx.js', 'export', '--pairs', PAIR, '--out', out, ...args],
      { cwd: projectRoot, env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const m = /bqx: ([\d,]+) rows, ([\d.]+) MB in ([\d.]+) s .*peak RSS (\d+) MB/.exec(stdout);
    if (code !== 0 || !m) throw new Error(`bench export: bqx export ${args.join(' ')} failed (${code}):\n${stdout}`);
    const rows = Number(m[1].replace(/,/g, ''));
    const seconds = Number(m[3]);
    return { rows, megabytes: Number(m[2]), seconds, rowsPerSec: rows / seconds, peakRssMb: Number(m[4]) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const best = <T extends { seconds: number }>(a: T, b: T): T => (a.seconds <= b.seconds ? a : b);

async function plainCopy(client: pg.Client): Promise<{ seconds: number; bytes: number }> {
  const t0 = performance.now();
  let bytes = 0;
  const stream = client.query(copyTo(`copy (select * from bqx.bqx where pair = '${PAIR}'
    and ts_utc >= '${YEAR}-01-01 00:00:00+00' and ts_utc < '${YEAR + 1}-01-01 00:00:00+00') to stdout`));
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return { seconds: (performance.now() - t0) / 1000, bytes };
}

async function asof(client: pg.Client): Promise<number> {
  // random instants of the year, off the minute; the arrays are built before the clock starts
  await client.query(`create temp table if not exists bench_points as
    select array_agg('${PAIR}'::text) as pairs,
           array_agg('${YEAR}-01-01 00:00:00+00'::timestamptz + random() * interval '365 days') as at
      from generate_series(1, ${POINTS})`);
  const t0 = performance.now();
  const r = await client.query(`select count(f.ts_utc)::int as n from bench_points p, bqx.features_asof(p.pairs, p.at) f`);
  const seconds = (performance.now() - t0) / 1000;
  if (r.rows[0].n < POINTS * 0.99) throw new Error(`bench export: features_asof found a bar for only ${r.rows[0].n} of ${POINTS} points`);
  return seconds;
}

export async function benchExport(connectionString: string): Promise<ExportBench> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // the pair-year with BQX_HISTDATA_DIR, else the repository's two-month excerpt (said below)
    const full = fullYearHistdataZip(PAIR, YEAR);
    if (!full) console.log(`  export: BQX_HISTDATA_DIR is not set: the repository's ${PAIR} ${YEAR} excerpt (two months) stands in for the year`);
    await importFile(client, full ?? histdataZip(PAIR, YEAR));
    const months = await client.query(`select distinct to_char(ts_utc at time zone 'UTC', 'YYYY-MM') as m from bqx.m1 where pair = $1 order by 1`, [PAIR]);
    for (const { m } of months.rows) await client.query(`call bqx.backfill($1, $2)`, [PAIR, m]);
    await client.query('vacuum analyze bqx.bqx');
    const rows = Number((await client.query(`select count(*) from bqx.bqx where pair = $1`, [PAIR])).rows[0].count);

    const range = ['--from', `${YEAR}-01`, '--to', `${YEAR}-12`];
    await plainCopy(client); // warm the cache for everyone
    const copy = best(await plainCopy(client), await plainCopy(client));
    const parquet = best(await cliExport(connectionString, range), await cliExport(connectionString, range));
    const zstd = [...range, '--compression', 'zstd'];
    const parquetZstd = best(await cliExport(connectionString, zstd), await cliExport(connectionString, zstd));
    const csv = best(await cliExport(connectionString, [...range, '--format', 'csv']), await cliExport(connectionString, [...range, '--format', 'csv']));
    // a month from the middle of what is stored: 2019-07 of the year, 2019-02 of the excerpt
    const middle = months.rows[Math.floor(months.rows.length / 2)].m as string;
    const oneMonth = await cliExport(connectionString, ['--from', middle, '--to', middle]);
    const asofSeconds = Math.min(await asof(client), await asof(client));
    return {
      fullYear: Boolean(full), rows, copy: { ...copy, rowsPerSec: rows / copy.seconds }, parquet, parquetZstd, csv, oneMonthPeakRssMb: oneMonth.peakRssMb,
      asof: { points: POINTS, seconds: asofSeconds, pointsPerSec: POINTS / asofSeconds },
    };
  } finally {
    await client.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) throw new Error('usage: tsx bench/export.ts URL (a migrated database)');
  console.log(JSON.stringify(await benchExport(url), null, 2));
}
