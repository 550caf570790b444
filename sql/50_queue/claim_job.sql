-- Claim the next job for a worker: an abandoned running job first (its worker's backend
-- is gone, so nobody holds its advisory lock), then the oldest pending month. Rows are
-- taken FOR UPDATE SKIP LOCKED, so concurrent workers never claim the same job; the
-- claimer then takes the job's session-level advisory lock, which it keeps across the
-- COMMITs of bqx.work until the job is recorded (bqx_internal.release_job).
-- Returns the claimed job, or NULL when there is nothing to do.
create or replace function bqx_internal.claim_job(p_worker text)
returns bqx.jobs
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_job     bqx.jobs;
  v_skipped bigint[] := '{}';
  v_holders integer[];
begin
  loop
    -- one row at a time (a cursor would lock a prefetched batch and hide it from others)
    select j.* into v_job
      from bqx.jobs j
     where j.status in ('running', 'pending') and j.job_id <> all (v_skipped)
     order by j.status = 'running' desc, j.month_start, j.pair
     limit 1
       for update skip locked;
    exit when not found;

    -- a live worker holds the lock of its running job: skip it
    if not pg_catalog.pg_try_advisory_lock(bqx_internal.job_lock_class(), v_job.job_id::integer) then
      v_skipped := v_skipped || v_job.job_id;
      -- a pending job's lock is held only by its last worker, for the moment between
      -- recording a retry and releasing it: anyone else is not a bqx worker
      select pg_catalog.array_agg(l.pid) into v_holders
        from pg_catalog.pg_locks l
       where l.locktype = 'advisory' and l.granted and l.objsubid = 2
         and l.classid = bqx_internal.job_lock_class()::oid and l.objid = v_job.job_id::oid
         and l.pid is distinct from v_job.worker_pid;
      if v_job.status = 'pending' and v_holders is not null then
        raise warning 'bqx: pending job % (% %) is locked by a session that is not a bqx worker', v_job.job_id, v_job.pair, v_job.month
          using detail = 'Held by ' || bqx_internal.lock_holders(v_holders) || '. The job stays pending: bqx.work returns drained = false.',
                hint = 'End that session (pg_terminate_backend(pid)) or have it release the advisory lock.';
      end if;
      continue;
    end if;

    if v_job.status = 'running' and v_job.attempts >= v_job.max_attempts then
      update bqx.jobs j
         set status = 'failed', finished_at = pg_catalog.clock_timestamp(), last_sqlstate = '57P01',
             last_error = pg_catalog.format('worker %s died during attempt %s of %s', v_job.worker, v_job.attempts, v_job.max_attempts)
       where j.job_id = v_job.job_id;
      perform bqx_internal.release_job(v_job.job_id);
      v_skipped := v_skipped || v_job.job_id;
      continue;
    end if;

    update bqx.jobs j
       set status = 'running',
           attempts = j.attempts + 1,
           started_at = pg_catalog.clock_timestamp(),
           finished_at = null,
           duration = null,
           worker = p_worker,
           worker_pid = pg_catalog.pg_backend_pid(),
           last_error = case when v_job.status = 'running'
                             then pg_catalog.format('attempt %s abandoned: worker %s died', v_job.attempts, v_job.worker)
                             else j.last_error end,
           last_sqlstate = case when v_job.status = 'running' then '57P01' else j.last_sqlstate end
     where j.job_id = v_job.job_id
    returning j.* into v_job;
    return v_job;
  end loop;
  return null;
end;
$$;

comment on function bqx_internal.claim_job(text) is
  'internal: claim the next job (abandoned running jobs first, then pending by month, pair) for worker p_worker: status running, attempts + 1, advisory lock held by this session. NULL when the queue has nothing to run.';
