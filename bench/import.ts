// bqx import throughput: the real HistData EURUSD 2019 zip into the given freshly migrated
// database: the full year (372,530 lines) from BQX_HISTDATA_DIR when set, else the test
// excerpt (60,578 lines, 2019-01..02; figures from it are not the README's), end to end (unzip, parse, COPY into bqx.m1). Target:
// >= 200k lines/s. Also measured, for the README, the two paths through the staging
// merge: the same file re-imported (every bar already stored), and the file imported
// where every month already holds a bar of the pair (every bar staged and merged).
// `npx tsx bench/import.ts URL` runs it alone.
import pg from 'pg';
import { importFile } from '../scripts/import/loader.js';
import { fullYearHistdataZip, histdataZip } from '../test/support/histdata.js';

export const BENCH_IMPORT_FILE = fullYearHistdataZip('EURUSD', 2019) ?? histdataZip('EURUSD', 2019);

export interface ImportRun { lines: number; months: number; seconds: number; linesPerSec: number }
export interface ImportBench { fresh: ImportRun; reimport: ImportRun; everyMonthHasBars: ImportRun }

async function timed(client: pg.Client, expectNew: boolean): Promise<ImportRun> {
  const t0 = performance.now();
  const c = await importFile(client, BENCH_IMPORT_FILE);
  const seconds = (performance.now() - t0) / 1000;
  if ((c.new > 0) !== expectNew) throw new Error(`bench import: ${c.new} new bars, expected ${expectNew ? 'some' : 'none'}`);
  return { lines: c.lines, months: c.monthsChanged.length, seconds, linesPerSec: c.lines / seconds };
}

export async function benchImport(connectionString: string): Promise<ImportBench> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const fresh = await timed(client, true);
    const reimport = await timed(client, false);
    // keep one bar per month (its last), so that no month can be COPYed straight in
    await client.query(`set bqx.live = 'off'`);
    await client.query(`delete from bqx.m1 where pair = 'EURUSD' and ts_utc not in (
      select max(ts_utc) from bqx.m1 where pair = 'EURUSD' group by date_trunc('month', ts_utc at time zone 'UTC'))`);
    const kept = await client.query(`select count(distinct date_trunc('month', ts_utc at time zone 'UTC'))::int as n from bqx.m1 where pair = 'EURUSD'`);
    if (kept.rows[0].n !== fresh.months) throw new Error(`bench import: ${kept.rows[0].n} months keep a bar, expected ${fresh.months}`);
    await client.query('vacuum bqx.m1');
    const everyMonthHasBars = await timed(client, true);
    return { fresh, reimport, everyMonthHasBars };
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) throw new Error('usage: tsx bench/import.ts postgres://... (a freshly migrated database)');
  const r = await benchImport(url);
  for (const [what, x] of Object.entries(r)) {
    console.log(`bqx import, ${what}: ${x.lines} lines in ${x.seconds.toFixed(2)} s = ${Math.round(x.linesPerSec)} lines/s`);
  }
}
