-- The relation the engines read bars from (setting 'source', default bqx.m1), checked
-- each time it is read (bqx_internal.source_problem): an error names the setting, its
-- value and what is wrong, so a bad source stops the backfill before any month changes.
create or replace function bqx_internal.source_relation()
returns regclass
language plpgsql
stable
set search_path = ''
as $$
declare
  v_name text;
  v_code text;
  v_problem text;
begin
  if pg_catalog.current_setting('bqx.citus_source_shard', true) <> '' then
    return bqx_internal.citus_source_shard();  -- Citus mode, on a worker: its shard of bqx.m1
  end if;
  select s.value into v_name from bqx.settings s where s.key = 'source';
  if v_name is null or v_name = 'bqx.m1' then
    return 'bqx.m1'::regclass;  -- the default: no catalog look-up on the live path
  end if;
  select p.code, p.problem into v_code, v_problem from bqx_internal.source_problem(v_name) p;
  if v_code is not null then
    perform bqx_internal.raise_error(v_code,
      pg_catalog.format('setting ''source'' in bqx.settings (%s) is not a usable bar source: %s', v_name, v_problem),
      'bqx reads bars from the relation named by setting ''source''; it needs columns pair text, ts_utc timestamptz, rate double precision.',
      'Fix the relation, or UPDATE bqx.settings SET value = ''bqx.m1'' WHERE key = ''source'';');
  end if;
  return pg_catalog.to_regclass(v_name);
end;
$$;

comment on function bqx_internal.source_relation() is
  'internal: the relation bars are read from (bqx.settings key ''source''), checked to be a table or view with usable columns pair, ts_utc, rate (an error naming the setting otherwise).';
