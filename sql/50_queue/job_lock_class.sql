-- Workers hold a session-level advisory lock (job_lock_class(), job_id) while they own a
-- job. A dead backend (pg_terminate_backend, a SIGKILLed client, a crash) releases it, so
-- "status = running and nobody holds the lock" means the job was abandoned. The class is
-- derived from the secret bqx_internal.lock_salt (SECURITY DEFINER), so a role outside
-- bqx cannot compute it to take a pending job's lock and hide the job from the workers.
create or replace function bqx_internal.job_lock_class()
returns integer
language sql
stable
parallel safe
security definer
set search_path = ''
as $$ select (s.salt >> 33)::integer from bqx_internal.lock_salt s $$;

comment on function bqx_internal.job_lock_class() is
  'internal: first key of the advisory lock (job_lock_class(), job_id) a worker holds while it owns a job, derived from the secret bqx_internal.lock_salt.';
