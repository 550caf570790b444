// Everything the progress report shows, read from the live database (the progress
// views, bqx.data_quality(), bqx.storage and, when it exists, bqx.verify).
import type pg from 'pg';

export interface VerifyRow { pair: string; month: string; check: string; ok: boolean; expected: string | null; actual: string | null; detail: string | null }

export interface ReportData {
  generatedAt: Date;
  database: string;
  overall: Record<string, any>;
  byPair: Record<string, any>[];
  recent: Record<string, any>[];
  quality: Record<string, any>[];
  storage: Record<string, any>[];
  failed: Record<string, any>[];
  engines: { engine: string; jobs: number }[];
  /** null when bqx.verify is not installed or verification was not asked for */
  verify: { months: number; rows: VerifyRow[] } | null;
  verifyAvailable: boolean;
}

export interface CollectOptions {
  recent?: number;
  /** verify at most this many done pair-months with bqx.verify (newest first); 0 = skip */
  verifyMonths?: number;
}

export async function collectReport(client: pg.ClientBase, opts: CollectOptions = {}): Promise<ReportData> {
  const q = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows;
  const [overall] = await q(
    `select p.*, pg_catalog.date_part('epoch', p.elapsed) as elapsed_s, pg_catalog.date_part('epoch', p.eta) as eta_s,
            pg_catalog.current_database() as db from bqx.progress p`);
  const verifyAvailable = (await q(`select pg_catalog.to_regprocedure('bqx.verify(text,text)') is not null
                                        or pg_catalog.to_regprocedure('bqx.verify(text,text,integer)') is not null as ok`))[0].ok;
  let verify: ReportData['verify'] = null;
  const verifyMonths = opts.verifyMonths ?? 12;
  if (verifyAvailable && verifyMonths > 0) {
    const months = await q(`select pair, month from bqx.jobs where status = 'done' order by finished_at desc limit $1`, [verifyMonths]);
    const rows: VerifyRow[] = [];
    for (const m of months) {
      for (const v of await q(`select * from bqx.verify($1, $2)`, [m.pair, m.month])) {
        rows.push({ pair: m.pair, month: m.month, check: v.check, ok: v.ok, expected: v.expected, actual: v.actual, detail: v.detail });
      }
    }
    verify = { months: months.length, rows };
  }
  return {
    generatedAt: new Date(),
    database: overall.db,
    overall,
    byPair: await q(`select * from bqx.progress_by_pair order by pair`),
    recent: await q(`select * from bqx.recent_jobs limit $1`, [opts.recent ?? 10]),
    quality: await q(`select * from bqx.data_quality()`),
    storage: await q(`select * from bqx.storage order by pair`),
    failed: await q(`select * from bqx.failed_jobs`),
    engines: (await q(`select engine, count(*)::int as jobs from bqx.jobs where status = 'done' group by engine order by engine`))
      .map((r) => ({ engine: r.engine, jobs: r.jobs })),
    verify,
    verifyAvailable,
  };
}
