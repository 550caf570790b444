-- bqx.schedule_live(): run CALL bqx.catch_up() every minute with pg_cron (job name
-- 'bqx-live'; scheduling again replaces the job). Needs pg_cron in this database.
create or replace function bqx.schedule_live(late_horizon interval default '1 hour')
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_job bigint;
begin
  perform bqx_internal.citus_refuse_live('bqx.schedule_live');
  perform bqx_internal.require_cron('run CALL bqx.catch_up() every minute from another scheduler (cron + psql, a systemd timer). Bars in bqx.m1 need neither: the live trigger computes them as they are inserted.');
  if late_horizon is null or late_horizon < interval '0' then
    perform bqx_internal.raise_error('22023', pg_catalog.format('invalid late_horizon %s', coalesce(late_horizon::text, 'NULL')),
      'late_horizon is how far before the last stored BQX row of a pair late bars are looked for.',
      'Pass a positive interval such as ''1 hour''.');
  end if;
  execute 'select cron.schedule($1, $2, $3)'
    into v_job
    using 'bqx-live', '* * * * *', pg_catalog.format('CALL bqx.catch_up(%L::interval)', late_horizon);
  return v_job;
end;
$$;

comment on function bqx.schedule_live(interval) is
  'Schedule CALL bqx.catch_up(late_horizon) every minute with pg_cron (job ''bqx-live'', replaced if it exists); returns the cron job id. Error 55000 when pg_cron is not installed in this database.';
