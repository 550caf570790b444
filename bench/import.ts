// bqx import throughput: the real HistData EURUSD 2019 zip (372,530 lines) into the
// given freshly migrated database, end to end (unzip, parse, COPY, merge into bqx.m1).
// Target: >= 200k lines/s. `npx tsx bench/import.ts URL` runs it alone.
import pg from 'pg';
import { importFile } from '../scripts/import/loader.js';
import { histdataZip } from '../test/support/histdata.js';

export const BENCH_IMPORT_FILE = histdataZip('EURUSD', 2019);

export async function benchImport(connectionString: string): Promise<{ lines: number; seconds: number; linesPerSec: number }> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const t0 = performance.now();
    const c = await importFile(client, BENCH_IMPORT_FILE);
    const seconds = (performance.now() - t0) / 1000;
    if (c.new === 0) throw new Error(`bench import: nothing new: is the database fresh?`);
    return { lines: c.lines, seconds, linesPerSec: c.lines / seconds };
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) throw new Error('usage: tsx bench/import.ts postgres://... (a freshly migrated database)');
  const r = await benchImport(url);
  console.log(`bqx import: ${r.lines} lines in ${r.seconds.toFixed(2)} s = ${Math.round(r.linesPerSec)} lines/s`);
}
