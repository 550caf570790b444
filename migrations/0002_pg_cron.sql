-- pg_cron drives the monthly backfill inside the database. It can only be created in
-- the database named by cron.database_name, and only where it is preloaded; anywhere
-- else this migration says so with a NOTICE and bqx still works through the Node driver.

-- Up Migration
do $$
declare
  v_preloaded boolean := coalesce(current_setting('shared_preload_libraries', true), '') ~ '(^|[ ,])pg_cron($|[ ,])';
  v_cron_db   text    := current_setting('cron.database_name', true);
begin
  if exists (select from pg_catalog.pg_extension where extname = 'pg_cron') then
    return;
  elsif not v_preloaded then
    raise notice 'bqx: pg_cron is not in shared_preload_libraries; bqx.schedule() will be unavailable'
      using hint = 'Add pg_cron to shared_preload_libraries, set cron.database_name, restart, then run bqx migrate again.';
  elsif v_cron_db is distinct from pg_catalog.current_database() then
    raise notice 'bqx: pg_cron runs in database %, not in %; bqx.schedule() will be unavailable here', v_cron_db, pg_catalog.current_database()
      using hint = 'Install bqx in the database named by cron.database_name to drive backfills with pg_cron.';
  else
    create extension if not exists pg_cron;
  end if;
end $$;

-- Down Migration
-- pg_cron is shared infrastructure (other jobs may use it): bqx never drops it.
select 1;
