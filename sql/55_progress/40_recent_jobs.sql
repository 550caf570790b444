create or replace view bqx.recent_jobs as
select a.finished_at, a.worker, a.pair, a.month, a.status, a.rows_written, a.bad_bars,
       pg_catalog.round(a.seconds::numeric, 2) as seconds, a.attempts, a.engine, a.last_sqlstate, a.last_error
  from bqx.job_activity a
 where a.finished_at is not null or a.status = 'running'
 order by a.finished_at desc nulls first, a.job_id desc;

comment on view bqx.recent_jobs is
  'Backfill activity, newest first (running jobs on top): worker, pair, month, status, rows, bad bars, seconds, attempts. Add LIMIT n for the last n.';
