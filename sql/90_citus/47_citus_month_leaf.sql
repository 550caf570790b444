-- The relation bqx.verify's 'partition' check looks for: the month's leaf
-- bqx_<pair>_<yyyy>_<mm> on a single node; in Citus mode (on the worker, inside
-- shard_verify), where bqx.bqx is one table distributed by pair, the pair's local shard of
-- bqx.bqx when the month has rows there, else the leaf name (which does not exist).
-- Unqualified: a relation of schema bqx.
create or replace function bqx_internal.citus_month_leaf(p_pair text, p_from timestamptz, p_to timestamptz)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_shard regclass;
begin
  if bqx_internal.citus_source_shard() is null then
    return bqx_internal.leaf_name(p_pair, p_from);
  end if;
  v_shard := bqx_internal.local_shard('bqx.bqx', p_pair);
  if exists (select from bqx.bqx b where b.pair = p_pair and b.ts_utc >= p_from and b.ts_utc < p_to) then
    return (select c.relname::text from pg_catalog.pg_class c where c.oid = v_shard);
  end if;
  return bqx_internal.leaf_name(p_pair, p_from);
end;
$$;

comment on function bqx_internal.citus_month_leaf(text, timestamptz, timestamptz) is
  'internal: the relation (of schema bqx) whose existence bqx.verify reports as ''partition'': the month''s leaf, or in Citus mode the pair''s shard of bqx.bqx when the month has rows.';
