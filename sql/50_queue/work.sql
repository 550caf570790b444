-- CALL bqx.work(): run queued jobs until the queue is empty or a limit is reached.
-- Each job is claimed and COMMITted as running, then run and recorded in a second
-- transaction (so call it outside a transaction block, like VACUUM). A job whose
-- worker dies is re-run by the next worker (see claim_job); a job that errors is
-- retried, then marked failed, and the worker goes on. max_seconds bounds the run: no
-- job is claimed after it, and a job still waiting for its locks then is given back
-- to the queue without counting an attempt (bqx_internal.run_job).
-- Returns what a driver needs, so none re-derives queue state: jobs_done (succeeded in
-- this call), jobs_failed (attempts of this call that ended in an error: retried later,
-- or failed for good), and drained (nothing is left that a worker could claim: no
-- pending job and no running job whose worker died).
--
-- No SET search_path clause here: PostgreSQL forbids COMMIT in a procedure that has
-- one. Every name below is schema-qualified instead, and the routines it calls all
-- carry their own set search_path = ''.
create or replace procedure bqx.work(
  max_jobs             integer default null,
  max_seconds          integer default null,
  worker               text    default null,
  unschedule_when_done boolean default false,
  inout jobs_done      integer default null,
  inout jobs_failed    integer default null,
  inout drained        boolean default null
)
language plpgsql
as $$
declare
  v_start    timestamptz := pg_catalog.clock_timestamp();
  v_deadline timestamptz;
  v_worker   text := coalesce(work.worker, 'psql') || ' pid ' || pg_catalog.pg_backend_pid();
  v_job      bqx.jobs;
  v_status   text;
begin
  jobs_done := 0;
  jobs_failed := 0;
  if max_jobs < 0 or max_seconds < 0 then
    perform bqx_internal.raise_error('22023',
      pg_catalog.format('max_jobs (%s) and max_seconds (%s) must not be negative', max_jobs, max_seconds),
      'NULL means no limit.', 'For example CALL bqx.work(max_seconds => 50).');
  end if;
  v_deadline := v_start + pg_catalog.make_interval(secs => max_seconds);
  loop
    exit when max_jobs is not null and jobs_done + jobs_failed >= max_jobs;
    exit when pg_catalog.clock_timestamp() >= v_deadline;
    v_job := bqx_internal.claim_job(v_worker);
    exit when v_job.job_id is null;
    commit;
    v_status := bqx_internal.run_job(v_job.job_id, v_deadline);
    commit;
    perform bqx_internal.release_job(v_job.job_id);
    exit when v_status = 'gave back';
    if v_status = 'done' then
      jobs_done := jobs_done + 1;
    else
      jobs_failed := jobs_failed + 1;
    end if;
  end loop;
  commit;

  if work.worker like 'bqx-worker-%' then
    perform bqx_internal.trim_cron_log();
  end if;
  drained := bqx_internal.queue_drained();
  if unschedule_when_done
     and not exists (select from bqx.jobs j where j.status in ('pending', 'running')) then
    perform bqx.unschedule();
  end if;
end;
$$;

comment on procedure bqx.work(integer, integer, text, boolean, integer, integer, boolean) is
  'Run queued backfill jobs (COMMIT per job; call it outside a transaction block) until the queue is empty, max_jobs jobs have run or max_seconds have passed (a job still waiting for its locks then goes back to the queue, its attempt not counted). worker names this worker in bqx.jobs; unschedule_when_done removes the pg_cron workers once nothing is pending or running. Returns jobs_done, jobs_failed (attempts of this call that ended in an error) and drained (no job left to claim).';
