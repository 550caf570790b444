-- pg_cron 1.4 logs every run in cron.job_run_details (cron.log_run is a server-wide,
-- restart-only setting): with 6 workers firing every minute that is 8,640 rows a day.
-- The bqx workers delete their own entries older than an hour.
create or replace function bqx_internal.trim_cron_log(p_keep interval default '1 hour')
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_count bigint := 0;
begin
  if pg_catalog.to_regclass('cron.job_run_details') is null then
    return 0;
  end if;
  begin
    delete from cron.job_run_details d
     using cron.job c
     where c.jobid = d.jobid and c.jobname like 'bqx-worker-%'
       and d.end_time < pg_catalog.now() - p_keep;
    get diagnostics v_count = row_count;
  exception when insufficient_privilege then
    v_count := 0;
  end;
  return v_count;
end;
$$;

comment on function bqx_internal.trim_cron_log(interval) is
  'internal: delete run details of the bqx-worker-N pg_cron jobs older than p_keep; returns the number deleted.';
