-- schedule_live/unschedule_live need pg_cron installed in this database.
create or replace function bqx_internal.require_live_cron()
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if exists (select from pg_catalog.pg_extension e where e.extname = 'pg_cron') then
    return;
  end if;
  perform bqx_internal.raise_error('55000',
    pg_catalog.format('pg_cron is not installed in database %s', pg_catalog.current_database()),
    pg_catalog.format('bqx.schedule_live() runs CALL bqx.catch_up() with pg_cron, which is only available in the database named by cron.database_name (%s) on a server that preloads it.',
      coalesce(pg_catalog.current_setting('cron.database_name', true), 'not set')),
    'Install bqx in the pg_cron database, or run CALL bqx.catch_up() every minute from another scheduler (cron + psql, systemd timer). Sources in bqx.m1 need neither: the live trigger computes rows as bars are inserted.');
end;
$$;

comment on function bqx_internal.require_live_cron() is
  'internal: raise 55000 with DETAIL and HINT unless pg_cron is installed in this database (for bqx.schedule_live).';
