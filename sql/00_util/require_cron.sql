-- pg_cron must be installed in this database for the scheduling functions
-- (bqx.schedule, bqx.schedule_live, ...). pg_cron can only be created in the database
-- named by cron.database_name, on a server that preloads it; otherwise 55000 with a
-- DETAIL saying which of the two is missing and a HINT ending with p_alternative: what
-- the caller can do without pg_cron.
create or replace function bqx_internal.require_cron(p_alternative text)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_cron_db text := pg_catalog.current_setting('cron.database_name', true);
  v_preload text := pg_catalog.current_setting('shared_preload_libraries', true);
begin
  if exists (select from pg_catalog.pg_extension e where e.extname = 'pg_cron') then
    return;
  end if;
  if coalesce(v_preload, '') !~ '(^|[ ,])pg_cron($|[ ,])' then
    perform bqx_internal.raise_error('55000',
      pg_catalog.format('pg_cron is not installed in database %s', pg_catalog.current_database()),
      'pg_cron is not in shared_preload_libraries on this server.',
      'Add pg_cron to shared_preload_libraries, set cron.database_name, restart, run bqx migrate; or ' || p_alternative);
  end if;
  perform bqx_internal.raise_error('55000',
    pg_catalog.format('pg_cron is not installed in database %s', pg_catalog.current_database()),
    pg_catalog.format('pg_cron runs in the database named by cron.database_name (%s) and can only be created there.',
      coalesce(v_cron_db, 'postgres')),
    'Install bqx in that database, or ' || p_alternative);
end;
$$;

comment on function bqx_internal.require_cron(text) is
  'internal: raise 55000 with DETAIL and HINT (ending with p_alternative) unless the pg_cron extension is installed in this database.';
