-- Citus mode, on the worker that holds p_pair's shards (a delegated call from bqx.verify
-- on the coordinator): bqx.verify of one pair-month, run where the data lives, its source
-- reads going to the local shard of bqx.m1 (so no query nests a distributed query).
create or replace function bqx_internal.shard_verify(p_pair text, p_month text, p_sample integer)
returns table ("check" text, ok boolean, expected text, actual text, detail text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('bqx.citus_source_shard', bqx_internal.local_shard('bqx.m1', p_pair)::text, true);
  return query select * from bqx.verify(p_pair, p_month, p_sample);
  perform pg_catalog.set_config('bqx.citus_source_shard', '', true);
end;
$$;

comment on function bqx_internal.shard_verify(text, text, integer) is
  'internal: Citus mode, on the worker holding the pair (delegated from bqx.verify): bqx.verify of one pair-month against the local shard of bqx.m1.';
