create or replace view bqx.failed_jobs as
select j.pair, j.month, j.attempts, j.last_sqlstate, j.last_error, j.finished_at, j.worker
  from bqx.jobs j
 where j.status = 'failed'
 order by j.pair, j.month;

comment on view bqx.failed_jobs is
  'Backfill jobs that failed after max_attempts, with the SQLSTATE and message of their last error. Fix the cause, then bqx.enqueue the same months again to retry them.';
