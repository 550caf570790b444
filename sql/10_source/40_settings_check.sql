-- Setting 'source' is checked when it is written: an UPDATE or INSERT naming a relation
-- that does not exist, or lacks usable columns pair, ts_utc, rate, is refused (and the
-- old value kept), instead of stopping every later backfill and live insert. A usable
-- name is stored in its canonical form (bqx_internal.source_is_m1 compares strings).
create or replace function bqx_internal.settings_check()
returns trigger
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_code text;
  v_problem text;
begin
  if new.key = 'source' and new.value is distinct from 'bqx.m1' then
    select p.code, p.problem into v_code, v_problem from bqx_internal.source_problem(new.value) p;
    if v_code is not null then
      perform bqx_internal.raise_error(v_code,
        pg_catalog.format('setting ''source'' cannot be %L: %s', new.value, v_problem),
        'Setting ''source'' names the table or view bqx reads bars from; it needs columns pair text, ts_utc timestamptz, rate double precision.',
        'Create the relation first, name it with its schema (public.my_bars), or keep the default bqx.m1.');
    end if;
    -- stored in its canonical form (schema-qualified, quoted where needed): 'BQX.M1' is bqx.m1
    new.value := pg_catalog.to_regclass(new.value)::text;
  end if;
  return new;
end;
$$;

comment on function bqx_internal.settings_check() is
  'internal: row trigger function of bqx.settings BEFORE INSERT OR UPDATE: refuses a ''source'' that is not a usable bar relation (see source_problem).';
