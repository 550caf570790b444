-- The relation the engines read bars from (setting 'source', default bqx.m1).
create or replace function bqx_internal.source_relation()
returns regclass
language plpgsql
stable
set search_path = ''
as $$
declare
  v_name text;
  v_rel  regclass;
begin
  select s.value into v_name from bqx.settings s where s.key = 'source';
  v_rel := pg_catalog.to_regclass(coalesce(v_name, 'bqx.m1'));
  if v_rel is null then
    perform bqx_internal.raise_error('42P01', pg_catalog.format('bqx source relation %L does not exist', v_name),
      'Setting ''source'' in bqx.settings names the table or view bars are read from.',
      'UPDATE bqx.settings SET value = ''schema.relation'' WHERE key = ''source''; it needs columns pair, ts_utc, rate.');
  end if;
  return v_rel;
end;
$$;

comment on function bqx_internal.source_relation() is
  'internal: the relation bars are read from (bqx.settings key ''source''), checked to exist (42P01 otherwise).';
