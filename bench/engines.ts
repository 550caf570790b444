// One pair-month with each installed engine (CALL bqx.backfill, compute + atomic write),
// each engine's compute alone, and the write limit: a raw INSERT ... SELECT of the same
// 40-column rows into a fresh table shaped like a leaf (with its primary key). Medians.
import pg from 'pg';

export interface EngineBench {
  engines: { engine: string; rows: number; seconds: number; rowsPerSec: number; computeSeconds: number }[];
  raw: { rows: number; seconds: number; rowsPerSec: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export async function benchEngines(url: string, pair: string, month: string, runs = 7): Promise<EngineBench> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const hasPlv8 = (await c.query(`select to_regprocedure('bqx_internal.engine_plv8(text, timestamptz[], float8[], integer)') is not null as ok`)).rows[0].ok;
    const { rows: [b] } = await c.query(`select month_start, month_end from bqx_internal.parse_month($1)`, [month]);
    const out: EngineBench = { engines: [], raw: { rows: 0, seconds: 0, rowsPerSec: 0 } };
    for (const engine of hasPlv8 ? ['sql', 'plv8'] : ['sql']) {
      await c.query(`update bqx.settings set value = $1 where key = 'engine'`, [engine]);
      let rows = 0;
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        times.push(await timed(async () => { rows = Number((await c.query(`call bqx.backfill($1, $2)`, [pair, month])).rows[0].rows_written); }));
      }
      const compute: number[] = [];
      // `not (x is null)` reads every column: without it the planner drops the unused ones
      // and computes nothing
      const computeSql = engine === 'sql'
        ? `select count(*) from (select * from bqx_internal.engine_sql($1, $2, $3) offset 0) x where not (x is null)`
        : `select count(*) from (select * from bqx_internal.engine_plv8($1,
             (select array_agg(ts_utc order by ts_utc) from bqx_internal.source_bars($1, $2, $3)),
             (select array_agg(rate order by ts_utc) from bqx_internal.source_bars($1, $2, $3)),
             (select count(*)::int from bqx_internal.source_bars($1, $2, $3) where ts_utc < $2)) offset 0) x where not (x is null)`;
      for (let i = 0; i < runs; i++) compute.push(await timed(() => c.query(computeSql, [pair, b.month_start, b.month_end])));
      const s = median(times);
      out.engines.push({ engine, rows, seconds: s, rowsPerSec: rows / s, computeSeconds: median(compute) });
    }
    await c.query(`update bqx.settings set value = 'auto' where key = 'engine'`);
    // the write limit
    const leaf = (await c.query(`select bqx_internal.leaf_name($1, $2) as n`, [pair, b.month_start])).rows[0].n;
    await c.query(`create table public.bench_rows as select * from bqx.${leaf}`);
    const raw: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      await c.query(`create table public.bench_raw (like bqx.bqx including all)`);
      raw.push(await timed(async () => { rows = (await c.query(`insert into public.bench_raw select * from public.bench_rows`)).rowCount ?? 0; }));
      await c.query(`drop table public.bench_raw`);
    }
    await c.query(`drop table public.bench_rows`);
    const s = median(raw);
    out.raw = { rows, seconds: s, rowsPerSec: rows / s };
    return out;
  } finally {
    await c.end();
  }
}
