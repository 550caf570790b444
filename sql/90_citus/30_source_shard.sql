-- Citus mode, on the worker computing a pair-month (bqx_internal.shard_write_month):
-- the shard of bqx.m1 that the engines read instead of bqx.m1 (a plain local table, so
-- the engines' queries run as ordinary local queries). Set for the transaction as
-- bqx.citus_source_shard; only a shard of bqx.m1 (bqx.m1_<shard id>) is accepted.
-- NULL when not set.
create or replace function bqx_internal.citus_source_shard()
returns regclass
language plpgsql
stable
set search_path = ''
as $$
declare
  v_name text := pg_catalog.current_setting('bqx.citus_source_shard', true);
begin
  if coalesce(v_name, '') = '' then
    return null;
  end if;
  if v_name !~ '^bqx\.m1_[0-9]+$' or pg_catalog.to_regclass(v_name) is null then
    perform bqx_internal.raise_error('42501',
      pg_catalog.format('bqx.citus_source_shard (%s) is not a shard of bqx.m1 on this node', v_name),
      'Only bqx_internal.shard_write_month sets it, to the local shard of bqx.m1.',
      'RESET bqx.citus_source_shard;');
  end if;
  return v_name::regclass;
end;
$$;

comment on function bqx_internal.citus_source_shard() is
  'internal: Citus mode: the local shard of bqx.m1 the engines read on a worker (setting bqx.citus_source_shard), or NULL.';
