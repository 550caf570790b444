// One read of the progress views (bqx.progress, bqx.progress_by_pair, bqx.failed_jobs), shaped
// in SQL (bqx_internal.progress_snapshot), and the numbers' formats the views print with.
import type pg from 'pg';

export interface OverallProgress {
  jobsTotal: number;
  jobsPending: number;
  jobsRunning: number;
  jobsDone: number;
  jobsFailed: number;
  /** pending + running: 0 when the run is over */
  jobsLeft: number;
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
  /** months done, % of the pair's months (bqx.progress_by_pair) */
  pct: number;
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

/** The progress views of the pairs (null: all), read in one statement: bqx_internal.progress_snapshot. */
export async function readSnapshot(client: pg.ClientBase, pairs: string[] | null = null): Promise<Snapshot> {
  return (await client.query('select bqx_internal.progress_snapshot($1::text[]) as s', [pairs])).rows[0].s as Snapshot;
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

/** How a failed job is said, wherever it is printed. */
export function failureLine(f: FailedJob): string {
  return `FAILED ${f.pair} ${f.month} after ${f.attempts} attempts: ${f.error ?? '?'}${f.sqlstate ? ` (SQLSTATE ${f.sqlstate})` : ''}`;
}
