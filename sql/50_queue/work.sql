-- CALL bqx.work(): run queued jobs until the queue is empty or a limit is reached.
-- Each job is claimed and COMMITted as running, then run and recorded in a second
-- transaction (so call it outside a transaction block, like VACUUM). A job whose
-- worker dies is re-run by the next worker (see claim_job); a job that errors is
-- retried, then marked failed, and the worker goes on.
--
-- No SET search_path clause here: PostgreSQL forbids COMMIT in a procedure that has
-- one. Every name below is schema-qualified instead, and the routines it calls all
-- carry their own set search_path = ''.
create or replace procedure bqx.work(
  max_jobs             integer default null,
  max_seconds          integer default null,
  worker               text    default null,
  unschedule_when_done boolean default false,
  inout jobs_done      integer default null
)
language plpgsql
as $$
declare
  v_start  timestamptz := pg_catalog.clock_timestamp();
  v_worker text := coalesce(work.worker, 'psql') || ' pid ' || pg_catalog.pg_backend_pid();
  v_job    bqx.jobs;
begin
  jobs_done := 0;
  if max_jobs < 0 or max_seconds < 0 then
    perform bqx_internal.raise_error('22023',
      pg_catalog.format('max_jobs (%s) and max_seconds (%s) must not be negative', max_jobs, max_seconds),
      'NULL means no limit.', 'For example CALL bqx.work(max_seconds => 50).');
  end if;
  loop
    exit when max_jobs is not null and jobs_done >= max_jobs;
    exit when max_seconds is not null
          and pg_catalog.clock_timestamp() - v_start >= pg_catalog.make_interval(secs => max_seconds);
    v_job := bqx_internal.claim_job(v_worker);
    exit when v_job.job_id is null;
    commit;
    perform bqx_internal.run_job(v_job.job_id);
    commit;
    perform bqx_internal.release_job(v_job.job_id);
    jobs_done := jobs_done + 1;
  end loop;
  commit;

  if work.worker like 'bqx-worker-%' then
    perform bqx_internal.trim_cron_log();
  end if;
  if unschedule_when_done
     and not exists (select from bqx.jobs j where j.status in ('pending', 'running')) then
    perform bqx.unschedule();
  end if;
end;
$$;

comment on procedure bqx.work(integer, integer, text, boolean, integer) is
  'Run queued backfill jobs (COMMIT per job; call it outside a transaction block) until the queue is empty, max_jobs jobs are done or max_seconds have passed. worker names this worker in bqx.jobs; unschedule_when_done removes the pg_cron workers once nothing is pending or running. Returns jobs_done, the number of jobs this call ran.';
