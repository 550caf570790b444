-- select bqx.unschedule(): remove the pg_cron workers (a running worker finishes its
-- current job) and their logged runs.
create or replace function bqx.unschedule()
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_ids   bigint[];
begin
  perform bqx_internal.require_cron('run the workers from Node: bqx backfill --via node.');
  select pg_catalog.array_agg(c.jobid) into v_ids from cron.job c where c.jobname ~ '^bqx-worker-[0-9]+$';
  if v_ids is null then
    return 0;
  end if;
  perform cron.unschedule(id) from pg_catalog.unnest(v_ids) as u (id);
  begin
    delete from cron.job_run_details d where d.jobid = any (v_ids) and d.end_time is not null;
  exception when insufficient_privilege then
    null;
  end;
  return pg_catalog.cardinality(v_ids);
end;
$$;

comment on function bqx.unschedule() is
  'Remove the pg_cron workers bqx-worker-N created by bqx.schedule and their run details; returns how many were removed. Jobs they were running finish; pending jobs stay queued.';
