-- What is wrong with a relation name as the bar source (setting 'source'), or nothing:
-- the name parses, the relation exists and is a table or view, and it has the columns
-- pair (text, varchar or char), ts_utc (timestamp with time zone) and rate (a number:
-- double precision, real, numeric or an integer). code is the SQLSTATE to raise with,
-- problem says what is wrong; both NULL when the relation is usable.
-- Used when the setting is written (the trigger on bqx.settings) and when it is read
-- (bqx_internal.source_relation): the relation may have changed since it was written.
create or replace function bqx_internal.source_problem(
  p_name      text,
  out code    text,
  out problem text
)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_rel   regclass;
  v_kind  "char";
  v_types jsonb;
  v_t     text;
begin
  begin
    v_rel := pg_catalog.to_regclass(p_name);
  exception when others then  -- 42602 invalid name syntax, 42601 too many dots, 0A000 another database
    code := '42602';
    problem := pg_catalog.format('%L is not a relation name (%s)', p_name, sqlerrm);
    return;
  end;
  if v_rel is null then
    code := '42P01';
    problem := pg_catalog.format('relation %s does not exist (give it with its schema, e.g. public.my_bars)', p_name);
    return;
  end if;
  select c.relkind into v_kind from pg_catalog.pg_class c where c.oid = v_rel;
  if v_kind not in ('r', 'p', 'v', 'm', 'f') then
    code := '42809';
    problem := pg_catalog.format('%s is not a table or view', v_rel);
    return;
  end if;
  select pg_catalog.jsonb_object_agg(a.attname, pg_catalog.format_type(a.atttypid, null))
    into v_types
    from pg_catalog.pg_attribute a
   where a.attrelid = v_rel and a.attnum > 0 and not a.attisdropped
     and a.attname in ('pair', 'ts_utc', 'rate');
  v_types := coalesce(v_types, '{}');
  if not (v_types ?& array['pair', 'ts_utc', 'rate']) then
    code := '42703';
    problem := pg_catalog.format('%s has no column %s', v_rel,
      pg_catalog.array_to_string(array(select c from pg_catalog.unnest(array['pair', 'ts_utc', 'rate']) c
                                          where not v_types ? c), ', '));
    return;
  end if;
  v_t := v_types ->> 'pair';
  if v_t not in ('text', 'character varying', 'character') then
    code := '42804';
    problem := pg_catalog.format('column pair of %s is %s, not text', v_rel, v_t);
    return;
  end if;
  v_t := v_types ->> 'ts_utc';
  if v_t <> 'timestamp with time zone' then
    code := '42804';
    problem := pg_catalog.format('column ts_utc of %s is %s, not timestamp with time zone', v_rel, v_t);
    return;
  end if;
  v_t := v_types ->> 'rate';
  if v_t not in ('double precision', 'real', 'numeric', 'smallint', 'integer', 'bigint') then
    code := '42804';
    problem := pg_catalog.format('column rate of %s is %s, not double precision', v_rel, v_t);
    return;
  end if;
end;
$$;

comment on function bqx_internal.source_problem(text) is
  'internal: what makes p_name unusable as the bar source (setting ''source''): (SQLSTATE, problem), or NULLs when it names a table or view with columns pair text, ts_utc timestamptz, rate double precision.';
