-- Citus mode, on the coordinator: bqx.backfill's write of one pair-month. Takes the
-- month lock (exclusive, without queuing: one backfill of a pair-month at a time across
-- the cluster, since every backfill goes through the coordinator), picks the engine, then
-- calls bqx_internal.shard_write_month, which Citus delegates to the worker holding the
-- pair's shards (create_distributed_function(..., force_delegation := true), see
-- bqx_internal.citus_distribute_routines): the computation and the write run there,
-- inside this transaction, so the month and the caller's job record commit together
-- (two-phase commit) or not at all.
create or replace function bqx_internal.cluster_write_month(
  p_pair        text,
  p_month_start timestamptz,
  p_month_end   timestamptz,
  out rows_written bigint,
  out bad_bars     bigint,
  out engine       text
)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_result record;
begin
  if not bqx_internal.source_is_m1() then
    perform bqx_internal.raise_error('0A000', 'bqx in Citus mode reads bars from bqx.m1 only',
      'Setting ''source'' names another relation; the workers compute each pair from their shard of bqx.m1.',
      'Load the bars into bqx.m1, or: UPDATE bqx.settings SET value = ''bqx.m1'' WHERE key = ''source'';');
  end if;
  perform bqx_internal.lock_month(bqx_internal.leaf_name(p_pair, p_month_start), bqx_internal.lock_deadline());
  engine := bqx_internal.current_engine();
  select * into v_result from bqx_internal.shard_write_month(p_pair, p_month_start, p_month_end, engine);
  rows_written := v_result.rows_written;
  bad_bars := v_result.bad_bars;
end;
$$;

comment on function bqx_internal.cluster_write_month(text, timestamptz, timestamptz) is
  'internal: Citus mode, on the coordinator: lock the pair-month and have the worker holding the pair compute and store it (delegated bqx_internal.shard_write_month) in this transaction.';
