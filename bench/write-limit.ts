// The write limit: what it costs just to store the full workload's rows the way a
// backfill stores a month, with nothing computed. 2 workers (connections), each taking
// the next pair-month and, in one transaction, creating a fresh table of the 40 columns,
// INSERT ... SELECT of that pair-month's rows (read from the backfilled leaf
// bqx.bqx_<pair>_<yyyy>_<mm>), adding the primary key, committing. Rows/s over the wall
// time of all jobs. The tables are dropped after the clock stops.
import pg from 'pg';
import { onConnections, type PoolRun } from './pool.js';
import { quiesce } from './quiesce.js';
import { fmt, report } from './report.js';
import type { PairMonth } from './workload.js';

const SCHEMA = 'bench_write';

export async function benchWriteLimit(url: string, pairMonths: readonly PairMonth[], workers = 2): Promise<PoolRun & { rowsPerSec: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const missing = (await c.query(`select l from unnest($1::text[]) l where to_regclass('bqx.' || quote_ident(l)) is null`,
      [pairMonths.map((p) => p.leaf)])).rows.map((r) => r.l);
    if (missing.length) throw new Error(`write limit: the backfill left no leaf for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`);
    await c.query(`drop schema if exists ${SCHEMA} cascade`);
    await c.query(`create schema ${SCHEMA}`);
    await quiesce(c);
    const run = await onConnections(url, workers, pairMonths, async (w, pm) => {
      await w.query('begin');
      await w.query(`create table ${SCHEMA}.${pm.leaf} (like bqx.bqx)`);
      const n = (await w.query(`insert into ${SCHEMA}.${pm.leaf} select * from bqx.${pm.leaf}`)).rowCount ?? 0;
      await w.query(`alter table ${SCHEMA}.${pm.leaf} add primary key (pair, ts_utc)`);
      await w.query('commit');
      return n;
    }, 'bqx bench write limit');
    await c.query(`drop schema ${SCHEMA} cascade`);
    return { ...run, rowsPerSec: run.rows / run.seconds };
  } finally {
    await c.end();
  }
}

export function reportWriteLimit(r: PoolRun & { rowsPerSec: number }): void {
  report(`write limit: 2 workers, each pair-month's 40-column rows into a fresh table + primary key + commit (${fmt(r.jobs)} pair-months, ${fmt(r.rows)} rows)`,
    `${fmt(r.seconds, 1)} s = ${fmt(r.rowsPerSec)} rows/s`);
}
