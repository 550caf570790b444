-- Whether bars are read from bqx.m1 itself (setting 'source' absent or 'bqx.m1'; the
-- settings trigger stores a source in its canonical form, so a string comparison is
-- exact). The live triggers of bqx.m1 ask this, not source_relation(): a source view
-- broken after it was set must not stop inserts into bqx.m1, which it does not read.
create or replace function bqx_internal.source_is_m1()
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce((select s.value from bqx.settings s where s.key = 'source'), 'bqx.m1') = 'bqx.m1'
$$;

comment on function bqx_internal.source_is_m1() is
  'internal: true when the bar source (setting ''source'') is bqx.m1; never raises (the live triggers ask it on every statement).';
