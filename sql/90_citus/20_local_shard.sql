-- The shard of distributed table p_table that holds pair p_pair, when that shard is on
-- this node (schema-qualified, e.g. bqx.m1_102008); an internal error otherwise (the
-- caller was not delegated to the node holding the pair).
create or replace function bqx_internal.local_shard(p_table regclass, p_pair text)
returns regclass
language plpgsql
stable
set search_path = ''
as $$
declare
  v_name  text := pg_catalog.shard_name(p_table, pg_catalog.get_shard_id_for_distribution_column(p_table, p_pair));
  v_shard regclass := pg_catalog.to_regclass(v_name);
begin
  if v_shard is null then
    perform bqx_internal.raise_error('XX000',
      pg_catalog.format('the shard of %s for %s (%s) is not on this node', p_table, p_pair, v_name),
      'bqx computes a pair-month on the Citus node that holds the pair''s shards, through a delegated call.',
      'Run CALL bqx.backfill or bqx.work on the coordinator.');
  end if;
  return v_shard;
end;
$$;

comment on function bqx_internal.local_shard(regclass, text) is
  'internal: Citus mode: the shard of p_table holding pair p_pair, which must be on this node.';
