-- Live mode is not available in Citus mode (README, "Scale-out with Citus"): the live
-- triggers would have to run on the workers' shards of bqx.m1 and write bqx.bqx from
-- there. The entry points of live mode call this first.
create or replace function bqx_internal.citus_refuse_live(p_what text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if bqx_internal.citus_mode() then
    perform bqx_internal.raise_error('0A000',
      pg_catalog.format('%s: live mode is not supported in Citus mode', p_what),
      'In Citus mode bqx.m1 is distributed by pair and has no live triggers; BQX rows are computed by backfills on the workers.',
      'Compute new bars with CALL bqx.backfill(pair, month) or bqx.enqueue(...) and bqx.work / bqx.schedule.');
  end if;
end;
$$;

comment on function bqx_internal.citus_refuse_live(text) is
  'internal: raise 0A000 (with DETAIL and HINT) when bqx runs in Citus mode, where live mode is not supported.';
