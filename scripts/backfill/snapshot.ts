// One read of the progress views (bqx.progress, bqx.progress_by_pair, bqx.failed_jobs).
import type pg from 'pg';

export interface OverallProgress {
  jobsTotal: number;
  jobsPending: number;
  jobsRunning: number;
  jobsDone: number;
  jobsFailed: number;
  pct: number;
  rowsWritten: number;
  badBars: number;
  workersActive: number;
  elapsedSeconds: number;
  rowsPerSec: number | null;
  etaSeconds: number | null;
}

export interface PairProgress {
  pair: string;
  monthsTotal: number;
  monthsDone: number;
  monthsFailed: number;
  rowsWritten: number;
  status: string;
}

export interface FailedJob {
  pair: string;
  month: string;
  attempts: number;
  sqlstate: string | null;
  error: string | null;
}

export interface Snapshot {
  overall: OverallProgress;
  pairs: PairProgress[];
  failed: FailedJob[];
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function readSnapshot(client: pg.ClientBase, pairs: string[] | null = null): Promise<Snapshot> {
  const o = (await client.query(
    `select p.*, pg_catalog.date_part('epoch', p.elapsed) as elapsed_s, pg_catalog.date_part('epoch', p.eta) as eta_s
       from bqx.progress p`)).rows[0];
  const byPair = await client.query(
    `select * from bqx.progress_by_pair where $1::text[] is null or pair = any($1) order by pair`, [pairs]);
  const failed = await client.query(
    `select pair, month, attempts, last_sqlstate, last_error from bqx.failed_jobs
      where $1::text[] is null or pair = any($1)`, [pairs]);
  return {
    overall: {
      jobsTotal: num(o.jobs_total),
      jobsPending: num(o.jobs_pending),
      jobsRunning: num(o.jobs_running),
      jobsDone: num(o.jobs_done),
      jobsFailed: num(o.jobs_failed),
      pct: num(o.pct),
      rowsWritten: num(o.rows_written),
      badBars: num(o.bad_bars),
      workersActive: num(o.workers_active),
      elapsedSeconds: num(o.elapsed_s),
      rowsPerSec: numOrNull(o.rows_per_sec),
      etaSeconds: numOrNull(o.eta_s),
    },
    pairs: byPair.rows.map((r) => ({
      pair: r.pair,
      monthsTotal: num(r.months_total),
      monthsDone: num(r.months_done),
      monthsFailed: num(r.months_failed),
      rowsWritten: num(r.rows_written),
      status: r.status,
    })),
    failed: failed.rows.map((r) => ({
      pair: r.pair, month: r.month, attempts: num(r.attempts), sqlstate: r.last_sqlstate, error: r.last_error,
    })),
  };
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
