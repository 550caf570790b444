-- Release this session's advisory lock on a job (every hold of it: a session that
-- re-claims its own leaked job holds it twice).
create or replace function bqx_internal.release_job(p_job_id bigint)
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  while exists (select from pg_catalog.pg_locks l
                 where l.locktype = 'advisory' and l.pid = pg_catalog.pg_backend_pid() and l.granted
                   and l.classid = bqx_internal.job_lock_class()::oid and l.objid = p_job_id::oid and l.objsubid = 2) loop
    perform pg_catalog.pg_advisory_unlock(bqx_internal.job_lock_class(), p_job_id::integer);
  end loop;
end;
$$;

comment on function bqx_internal.release_job(bigint) is
  'internal: release every hold this session has on the advisory lock of job p_job_id.';
