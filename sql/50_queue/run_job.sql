-- Run one claimed job: CALL bqx.backfill for its pair-month and record the result in
-- the same transaction (the month swap and status done commit together). An error is
-- caught in a subtransaction (the month is left as it was): the job goes back to pending
-- for another attempt, or to failed once it has used max_attempts, with its SQLSTATE and
-- message; the worker goes on with the next job.
-- A backfill that waited for its locks until p_deadline (bqx.work's max_seconds; the
-- backfill reads it from setting bqx.lock_deadline) and gave up with 55P03 has done
-- nothing: the job goes back to pending without counting the attempt ('gave back').
-- Test hook: setting bqx.test_job_delay (seconds) makes every job sleep first, so tests
-- can kill a worker in the middle of a job.
create or replace function bqx_internal.run_job(p_job_id bigint, p_deadline timestamptz default null)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_job    bqx.jobs;
  v_rows   bigint;
  v_bad    bigint;
  v_engine text;
  v_delay  text := pg_catalog.current_setting('bqx.test_job_delay', true);
  v_state  text;
  v_msg    text;
  v_detail text;
  v_status text;
begin
  select j.* into strict v_job from bqx.jobs j where j.job_id = p_job_id;
  perform pg_catalog.set_config('bqx.lock_deadline', coalesce(p_deadline::text, ''), true);
  begin
    if coalesce(v_delay, '') <> '' then
      perform pg_catalog.pg_sleep(v_delay::double precision);
    end if;
    call bqx.backfill(v_job.pair, v_job.month, v_rows, v_bad, v_engine);
    update bqx.jobs j
       set status = 'done', rows_written = v_rows, bad_bars = v_bad, engine = v_engine,
           finished_at = pg_catalog.clock_timestamp(),
           duration = pg_catalog.clock_timestamp() - j.started_at
     where j.job_id = p_job_id;
    v_status := 'done';
  exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_msg = message_text, v_detail = pg_exception_detail;
    if v_state = '55P03' and p_deadline is not null and pg_catalog.clock_timestamp() >= p_deadline then
      update bqx.jobs j
         set status = 'pending', attempts = j.attempts - 1, started_at = null,
             last_sqlstate = v_state,
             last_error = 'given back at max_seconds: ' || v_msg || coalesce(' (' || v_detail || ')', '')
       where j.job_id = p_job_id;
      return 'gave back';
    end if;
    v_status := case when v_job.attempts >= v_job.max_attempts then 'failed' else 'pending' end;
    update bqx.jobs j
       set status = v_status, rows_written = null, bad_bars = null, engine = null,
           finished_at = pg_catalog.clock_timestamp(), duration = null,
           last_sqlstate = v_state,
           last_error = v_msg || case when coalesce(v_detail, '') <> '' then ' (' || v_detail || ')' else '' end
     where j.job_id = p_job_id;
  end;
  return v_status;
end;
$$;

comment on function bqx_internal.run_job(bigint, timestamptz) is
  'internal: run claimed job p_job_id (CALL bqx.backfill, lock waits bounded by p_deadline) and record done, or the error (pending for a retry, failed after max_attempts), or give it back uncounted when its lock wait reached p_deadline. Returns done, pending, failed or gave back.';
