-- What a driver shows of a backfill, in one statement (so one snapshot of bqx.jobs: the
-- overall counts, the pairs and the failures always agree): bqx.progress, the pairs'
-- rows of bqx.progress_by_pair and bqx.failed_jobs (p_pairs null: every pair), as JSON
-- named the way scripts/backfill/snapshot.ts reads it, numbers as numbers. jobsLeft
-- (pending + running) is what a driver waits on: 0 when the run is over.
-- No JIT: the views' estimates pass jit_above_cost, and compiling took 90-190 ms of every
-- poll (3-4 ms without), on the cores the backfill workers need (1.5% of the machine
-- during a full-workload backfill, perf).
create or replace function bqx_internal.progress_snapshot(p_pairs text[] default null)
returns json
language sql
stable
set search_path = ''
set jit = off
as $$
  select pg_catalog.json_build_object(
    'overall', (select pg_catalog.json_build_object(
        'jobsTotal', p.jobs_total, 'jobsPending', p.jobs_pending, 'jobsRunning', p.jobs_running,
        'jobsDone', p.jobs_done, 'jobsFailed', p.jobs_failed, 'jobsLeft', p.jobs_pending + p.jobs_running, 'pct', p.pct,
        'rowsWritten', p.rows_written, 'badBars', p.bad_bars, 'workersActive', p.workers_active,
        'elapsedSeconds', coalesce(pg_catalog.date_part('epoch', p.elapsed), 0),
        'rowsPerSec', p.rows_per_sec, 'etaSeconds', pg_catalog.date_part('epoch', p.eta))
      from bqx.progress p),
    'pairs', coalesce((select pg_catalog.json_agg(pg_catalog.json_build_object(
        'pair', b.pair, 'monthsTotal', b.months_total, 'monthsDone', b.months_done,
        'monthsFailed', b.months_failed, 'pct', b.pct, 'rowsWritten', b.rows_written, 'status', b.status) order by b.pair)
      from bqx.progress_by_pair b where p_pairs is null or b.pair = any (p_pairs)), '[]'::json),
    'failed', coalesce((select pg_catalog.json_agg(pg_catalog.json_build_object(
        'pair', f.pair, 'month', f.month, 'attempts', f.attempts, 'sqlstate', f.last_sqlstate, 'error', f.last_error)
        order by f.pair, f.month)
      from bqx.failed_jobs f where p_pairs is null or f.pair = any (p_pairs)), '[]'::json));
$$;

comment on function bqx_internal.progress_snapshot(text[]) is
  'internal: the driver''s one read of the progress views (bqx.progress, bqx.progress_by_pair, bqx.failed_jobs) as JSON: {overall, pairs, failed}.';
