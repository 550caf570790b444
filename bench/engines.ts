// One pair-month with each installed engine: CALL bqx.backfill (compute + atomic write),
// each engine's compute alone, and the yardstick: a raw INSERT ... SELECT of the same
// 40-column rows into a fresh table shaped like a leaf, with its primary key. Every
// figure is the median and range of `runs` runs (BQX_BENCH_RUNS, default 5).
import pg from 'pg';
import { installedEngines, setEngine } from './engine-setting.js';
import { fmt, report, seconds } from './report.js';
import { benchRuns, spread, timed, type Spread } from './stats.js';

export interface EngineRun {
  engine: string;
  rows: number;
  seconds: Spread;
  rowsPerSec: number;
  /** compute alone; a string says why it was not measured */
  computeSeconds: Spread | string;
}
export interface EngineBench { engines: EngineRun[]; raw: { rows: number; seconds: Spread; rowsPerSec: number } }

// `not (x is null)` reads every column: without it the planner drops the unused ones and
// computes nothing
const COMPUTE_SQL: Record<string, string> = {
  sql: `select count(*) from (select * from bqx_internal.engine_sql($1, $2, $3) offset 0) x where not (x is null)`,
  // the bars read into arrays as fill_stage reads them (source_arrays), then the engine inlined
  plv8: `select count(*) from (select e.* from bqx_internal.source_arrays($1, $2, $3) s
           cross join lateral bqx_internal.engine_plv8($1, s.ts, s.rate, s.first_wanted) e offset 0) x where not (x is null)`,
};

async function repeat(runs: number, fn: () => Promise<unknown>): Promise<Spread> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await timed(fn));
  return spread(xs);
}

export async function benchEngines(url: string, pair: string, month: string, runs = benchRuns(5)): Promise<EngineBench> {
  const engines = await installedEngines(url);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows: [b] } = await c.query(`select month_start, month_end from bqx_internal.parse_month($1)`, [month]);
    const out: EngineBench = { engines: [], raw: { rows: 0, seconds: spread([0]), rowsPerSec: 0 } };
    for (const engine of engines) {
      await setEngine(c, engine);
      let rows = 0;
      const seconds = await repeat(runs, async () => {
        rows = Number((await c.query(`call bqx.backfill($1, $2)`, [pair, month])).rows[0].rows_written);
      });
      // compute alone, through the engine function's present signature; if the engine
      // was rebuilt around another one, say so rather than fail the part
      let computeSeconds: Spread | string;
      try {
        computeSeconds = await repeat(runs, () => c.query(COMPUTE_SQL[engine], [pair, b.month_start, b.month_end]));
      } catch (e) {
        computeSeconds = `not measured (${(e as Error).message})`;
      }
      out.engines.push({ engine, rows, seconds, rowsPerSec: rows / seconds.median, computeSeconds });
    }
    await setEngine(c, 'auto');
    // the yardstick: the same rows, only written
    const leaf = (await c.query(`select bqx_internal.leaf_name($1, $2) as n`, [pair, b.month_start])).rows[0].n;
    await c.query(`create table public.bench_rows as select * from bqx.${leaf}`);
    let rows = 0;
    const raw: number[] = [];
    for (let i = 0; i < runs; i++) {
      await c.query(`create table public.bench_raw (like bqx.bqx including all)`);
      raw.push(await timed(async () => { rows = (await c.query(`insert into public.bench_raw select * from public.bench_rows`)).rowCount ?? 0; }));
      await c.query(`drop table public.bench_raw`);
    }
    await c.query(`drop table public.bench_rows`);
    const s = spread(raw);
    out.raw = { rows, seconds: s, rowsPerSec: rows / s.median };
    return out;
  } finally {
    await c.end();
  }
}

/** PLV8's target for one pair-month (issue #10): at most this many seconds. */
export const PLV8_PAIR_MONTH_MAX_S = 0.4;
/**
 * The SQL engine before issue #10, as backfill rows/s over raw INSERT rows/s in the same
 * run: 0.12-0.27 in the README's quiet runs, 0.13 in the issue's. "No slower than
 * before" = at least the low end.
 */
export const SQL_BEFORE_RAW_RATIO = 0.12;

export function reportEngines(e: EngineBench): void {
  const rows = e.raw.rows;
  console.log(`engines: one pair-month, EURUSD 2024-07 (${fmt(rows)} rows), each figure the median and range of ${e.raw.seconds.runs} runs`);
  report('raw INSERT ... SELECT of the same 40-column rows into a fresh leaf with its primary key (yardstick)',
    `${seconds(e.raw.seconds)} = ${fmt(e.raw.rowsPerSec)} rows/s`);
  for (const r of e.engines) {
    const vsRaw = r.rowsPerSec / e.raw.rowsPerSec;
    const value = `${seconds(r.seconds)} = ${fmt(r.rowsPerSec)} rows/s = ${fmt(vsRaw, 2)} x raw INSERT`;
    const what = `CALL bqx.backfill, ${r.engine} engine`;
    if (r.engine === 'plv8') report(what, value, `<= ${PLV8_PAIR_MONTH_MAX_S} s`, r.seconds.median <= PLV8_PAIR_MONTH_MAX_S);
    else if (r.engine === 'sql') report(what, value, `no slower than before: >= ${SQL_BEFORE_RAW_RATIO} x raw INSERT`, vsRaw >= SQL_BEFORE_RAW_RATIO);
    else report(what, value);
    report(`  ${r.engine} engine compute only (no write)`, typeof r.computeSeconds === 'string' ? r.computeSeconds : seconds(r.computeSeconds));
  }
  const sql = e.engines.find((r) => r.engine === 'sql');
  const plv8 = e.engines.find((r) => r.engine === 'plv8');
  if (sql && plv8) {
    const ratio = plv8.seconds.median / sql.seconds.median;
    report('PLV8 backfill time / SQL engine backfill time', `${fmt(ratio, 2)} x`, '< 1 (PLV8 faster)', ratio < 1);
  } else {
    report('plv8 engine', 'not measured: bqx cannot use plv8 on this server');
  }
}
