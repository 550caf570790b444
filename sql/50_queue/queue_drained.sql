-- Is the queue drained for a worker: no pending job, and no running job whose worker
-- is gone (bqx.job_activity.worker_alive)? Jobs running in live workers do not count:
-- those workers finish them. bqx.work returns it, so drivers never re-derive it.
create or replace function bqx_internal.queue_drained()
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  -- PL/pgSQL: bqx.job_activity (sql/55_progress) is created after this file
  return not exists (select from bqx.job_activity a
                      where a.status = 'pending' or (a.status = 'running' and not a.worker_alive));
end;
$$;

comment on function bqx_internal.queue_drained() is
  'internal: true when no job is pending and no running job has lost its worker (nothing left for a worker to claim).';
