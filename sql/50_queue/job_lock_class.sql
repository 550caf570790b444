-- Workers hold a session-level advisory lock (job_lock_class(), job_id) while they own a
-- job. A dead backend (pg_terminate_backend, a SIGKILLed client, a crash) releases it, so
-- "status = running and nobody holds the lock" means the job was abandoned.
create or replace function bqx_internal.job_lock_class()
returns integer
language sql
immutable
parallel safe
set search_path = ''
as $$ select 1651603456 $$;

comment on function bqx_internal.job_lock_class() is
  'internal: first key of the advisory lock (job_lock_class(), job_id) a worker holds while it owns a job (0x62717800, "bqx").';
