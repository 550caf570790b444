// npm run bench: every figure from ONE run on this machine, printed side by side with
// the ratios the targets are stated in (these machines are noisy: compare ratios, not
// absolute times across runs). Runs against DATABASE_URL / PG* or the embedded cluster,
// in a throwaway database `bqx_bench` that it creates and drops.
import pg from 'pg';
import { resolveConnection, withDatabase } from '../scripts/lib/connection.js';
import { migrate } from '../scripts/lib/migrate.js';
import { seedBars } from '../scripts/seed/index.js';
import { benchKernel } from './kernel.js';
import { benchEngines } from './engines.js';
import { benchSeed } from './seed.js';
import { benchImport } from './import.js';
import { benchLive } from './live.js';
import { benchFullWorkload } from './backfill.js';
import { benchExport } from './export.js';

const SEED_RATE = 650; // the seed's Python script: rows/s

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  await migrate(url);
  return url;
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

interface Line { what: string; value: string; target?: string; ok?: boolean }
const lines: Line[] = [];
function report(what: string, value: string, target?: string, ok?: boolean) {
  lines.push({ what, value, target, ok });
  console.log(`  ${what}: ${value}${target ? `   (target ${target}: ${ok ? 'met' : 'MISSED'})` : ''}`);
}
const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  const only = new Set(process.argv.slice(2));
  const want = (part: string) => only.size === 0 || only.has(part);
  const conn = await resolveConnection();
  const adminUrl = withDatabase(conn.connectionString, 'postgres');
  console.log(`bqx bench (${conn.source}), ${new Date().toISOString()}`);

  if (want('kernel')) {
    const k = await benchKernel();
    report('kernel alone in Node, one pair-month', `${fmt(k.msPerPairMonth, 1)} ms (${fmt(k.rowsPerSec)} rows/s)`, '<= 30 ms', k.msPerPairMonth <= 30);
  }

  if (want('engines')) {
    const url = await freshDatabase(adminUrl, 'bqx_bench');
    await seedBars(url, { pairs: ['EURUSD'], from: '2024-06', to: '2024-07', seed: 1 });
    const e = await benchEngines(url, 'EURUSD', '2024-07');
    for (const r of e.engines) {
      report(`CALL bqx.backfill, ${r.engine} engine, one pair-month (${fmt(r.rows)} rows)`, `${fmt(r.seconds, 3)} s = ${fmt(r.rowsPerSec)} rows/s = ${fmt(r.rowsPerSec / e.raw.rowsPerSec, 2)} x raw INSERT`,
        r.engine === 'sql' ? '<= 0.5 s and >= 0.5 x raw' : '>= 0.5 x raw', r.seconds <= 0.5 && r.rowsPerSec / e.raw.rowsPerSec >= 0.5);
      report(`  ${r.engine} engine compute only (no write)`, `${fmt(r.computeSeconds, 3)} s`);
    }
    report('raw INSERT ... SELECT of the same 40-column rows into a fresh leaf with its primary key (the write limit)', `${fmt(e.raw.seconds, 3)} s = ${fmt(e.raw.rowsPerSec)} rows/s`);
    if (!e.engines.some((r) => r.engine === 'plv8')) report('plv8 engine', 'not measured: plv8 is not installed on this server');
    await dropDatabase(adminUrl, 'bqx_bench');
  }

  if (want('seed')) {
    const url = await freshDatabase(adminUrl, 'bqx_bench');
    const s = await benchSeed(url);
    report('bqx seed', `${fmt(s.bars)} bars in ${fmt(s.seconds, 1)} s = ${fmt(s.barsPerSec)} bars/s`);
    await dropDatabase(adminUrl, 'bqx_bench');
  }

  if (want('import')) {
    const url = await freshDatabase(adminUrl, 'bqx_bench');
    const i = await benchImport(url);
    const run = (r: typeof i.fresh) => `${fmt(r.lines)} lines in ${fmt(r.seconds, 2)} s = ${fmt(r.linesPerSec)} lines/s`;
    report('bqx import (HistData EURUSD 2019 zip) into a database without its bars', run(i.fresh), '>= 200k lines/s', i.fresh.linesPerSec >= 200_000);
    report('  the same file again (every bar already stored: staged and merged)', run(i.reimport));
    report('  into a database holding one bar in each of its months (every bar staged and merged)', run(i.everyMonthHasBars));
    await dropDatabase(adminUrl, 'bqx_bench');
  }

  if (want('live')) {
    const url = await freshDatabase(adminUrl, 'bqx_bench');
    const l = await benchLive(url);
    report('live: one bar for each of 28 pairs in one INSERT (median)', `${fmt(l.everyMinuteMedianMs, 1)} ms`, '<= 20 ms', l.everyMinuteMedianMs <= 20);
    report('live: 10k-bar batch INSERT, live on vs off', `${fmt(l.batch10kLiveMs)} ms vs ${fmt(l.batch10kOffMs)} ms`);
    await dropDatabase(adminUrl, 'bqx_bench');
  }

  if (want('export')) {
    const url = await freshDatabase(adminUrl, 'bqx_bench');
    const x = await benchExport(url);
    const vsCopy = (r: { rowsPerSec: number }) => r.rowsPerSec / x.copy.rowsPerSec;
    report(`plain COPY (select * from bqx.bqx where <one pair-year>) TO STDOUT (${fmt(x.rows)} rows, the yardstick)`, `${fmt(x.copy.seconds, 2)} s = ${fmt(x.copy.rowsPerSec)} rows/s`);
    report('bqx export, the same pair-year as Parquet (zstd)', `${fmt(x.parquet.seconds, 2)} s = ${fmt(x.parquet.rowsPerSec)} rows/s = ${fmt(vsCopy(x.parquet), 2)} x plain COPY`, '>= 0.5 x COPY', vsCopy(x.parquet) >= 0.5);
    report('  bqx export as CSV', `${fmt(x.csv.seconds, 2)} s = ${fmt(x.csv.rowsPerSec)} rows/s = ${fmt(vsCopy(x.csv), 2)} x plain COPY`);
    report('  peak RSS of bqx export (Parquet): one month vs the year', `${x.oneMonthPeakRssMb} MB vs ${x.parquet.peakRssMb} MB (CSV: ${x.csv.peakRssMb} MB)`);
    report(`bqx.features_asof, ${fmt(x.asof.points)} random points of the year`, `${fmt(x.asof.seconds, 3)} s = ${fmt(x.asof.pointsPerSec)} points/s`, '>= 50k points/s', x.asof.pointsPerSec >= 50_000);
    await dropDatabase(adminUrl, 'bqx_bench');
  }

  if (want('full')) {
    const url = await freshDatabase(adminUrl, 'bqx_bench');
    const f = await benchFullWorkload(url, { workers: 2 });
    report(`full backfill, 28 pairs x 12 months, 2 workers (${fmt(f.rows)} rows)`, `${fmt(f.seconds, 1)} s = ${fmt(f.rowsPerSec)} rows/s = ${fmt(f.rowsPerSec / SEED_RATE)} x the seed's ${SEED_RATE} rows/s`,
      '>= 70k rows/s', f.rowsPerSec >= 70_000);
    await dropDatabase(adminUrl, 'bqx_bench');
  }

  const missed = lines.filter((l) => l.ok === false);
  console.log(`\n${lines.filter((l) => l.target).length} targets, ${missed.length} missed${missed.length ? `: ${missed.map((l) => l.what).join('; ')}` : ''}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
