-- Which engine computes BQX rows, in every path (backfill, live, catch-up): setting
-- 'engine' = auto (plv8 when its functions are installed and work, else sql), sql, or
-- plv8. PLV8 is the faster engine (README "The engines"); auto falls back to sql, with a
-- WARNING that says why, when the installed PLV8 fails a one-row self-test (a broken or
-- mismatched V8, a sandbox that forbids it). A passed self-test is remembered for the
-- session (setting bqx.plv8_tested = the kernel function's oid and row version, so a
-- re-installed kernel is tested again): the live path asks on every statement.
create or replace function bqx_internal.current_engine()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_setting   text;
  v_has_plv8  boolean := pg_catalog.to_regprocedure(
    'bqx_internal.engine_plv8(text, timestamp with time zone[], double precision[], integer)') is not null;
  v_kernel    text;
begin
  select s.value into v_setting from bqx.settings s where s.key = 'engine';
  v_setting := coalesce(v_setting, 'auto');
  if v_setting = 'auto' then
    if not v_has_plv8 then
      return 'sql';
    end if;
    select p.oid::text || ':' || p.xmin::text into v_kernel
      from pg_catalog.pg_proc p
     where p.oid = pg_catalog.to_regprocedure('bqx_internal.plv8_kernel(double precision[], integer)');
    if v_kernel = pg_catalog.current_setting('bqx.plv8_tested', true) then
      return 'plv8';
    end if;
    begin
      perform bqx_internal.plv8_kernel('{1.5, 1.25}'::double precision[], 1);
      perform pg_catalog.set_config('bqx.plv8_tested', v_kernel, false);
      return 'plv8';
    exception when others then
      raise warning 'bqx: plv8 is installed but cannot be used (%: %); engine auto falls back to sql', sqlstate, sqlerrm
        using hint = 'Fix the plv8 installation, or silence this with: UPDATE bqx.settings SET value = ''sql'' WHERE key = ''engine'';';
      return 'sql';
    end;
  elsif v_setting = 'sql' then
    return 'sql';
  elsif v_setting = 'plv8' then
    if not v_has_plv8 then
      perform bqx_internal.raise_error('55000', 'bqx engine plv8 is selected but not installed',
        'The plv8 extension is not available in this server, so bqx installed only the sql engine.',
        'Install plv8 and run bqx migrate again, or: UPDATE bqx.settings SET value = ''auto'' WHERE key = ''engine'';');
    end if;
    return 'plv8';
  end if;
  perform bqx_internal.raise_error('22023', pg_catalog.format('invalid bqx engine setting %L', v_setting),
    'Setting ''engine'' in bqx.settings must be auto, sql or plv8.',
    'UPDATE bqx.settings SET value = ''auto'' WHERE key = ''engine'';');
  return null;
end;
$$;

comment on function bqx_internal.current_engine() is
  'internal: the engine bqx.backfill uses now (sql or plv8), from bqx.settings key ''engine''.';
