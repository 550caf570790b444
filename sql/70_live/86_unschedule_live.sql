-- bqx.unschedule_live(): remove the 'bqx-live' pg_cron job; false when there was none.
create or replace function bqx.unschedule_live()
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_exists boolean;
begin
  perform bqx_internal.require_cron('run CALL bqx.catch_up() every minute from another scheduler (cron + psql, a systemd timer). Bars in bqx.m1 need neither: the live trigger computes them as they are inserted.');
  execute 'select exists (select from cron.job j where j.jobname = $1 and j.username = current_user)'
    into v_exists using 'bqx-live';
  if not v_exists then
    return false;
  end if;
  execute 'select cron.unschedule($1)' using 'bqx-live';
  return true;
end;
$$;

comment on function bqx.unschedule_live() is
  'Remove the pg_cron job ''bqx-live'' made by bqx.schedule_live(); returns false when there was none. Error 55000 when pg_cron is not installed in this database.';
