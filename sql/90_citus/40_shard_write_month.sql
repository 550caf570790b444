-- Citus mode, on the worker that holds p_pair's shards (a delegated call of
-- bqx_internal.cluster_write_month, inside the coordinator's transaction): compute one
-- pair-month with engine p_engine from the local shard of bqx.m1 and bring the month's
-- rows in the local shard of bqx.bqx in line with it, in place (rows of gone bars
-- deleted, rows whose values differ upserted: a re-run over unchanged bars writes
-- nothing). No DDL on a distributed table: the stage is a local table of this node. Every
-- query here reads and writes plain local tables (the shards), so Citus ships nothing.
-- Returns the rows computed and the bad bars left out. Arguments are trusted.
create or replace function bqx_internal.shard_write_month(
  p_pair   text,
  p_from   timestamptz,
  p_to     timestamptz,
  p_engine text,
  out rows_written bigint,
  out bad_bars     bigint
)
language plpgsql
volatile
security definer
set search_path = ''
set jit = off
as $$
declare
  v_m1    regclass := bqx_internal.local_shard('bqx.m1', p_pair);
  v_bqx   regclass := bqx_internal.local_shard('bqx.bqx', p_pair);
  v_stage text := 'stage_' || bqx_internal.leaf_name(p_pair, p_from) || '_' || pg_catalog.pg_backend_pid();
  v_v8_flags text := bqx_internal.set_month_v8_flags();
begin
  perform pg_catalog.set_config('bqx.citus_source_shard', v_m1::text, true);
  execute pg_catalog.format('create table bqx_internal.%I (like %s)', v_stage, v_bqx);
  select f.rows_written, f.bad_bars into rows_written, bad_bars
    from bqx_internal.fill_stage(v_stage, p_pair, p_from, p_to, p_engine) f;
  perform pg_catalog.set_config('bqx.citus_source_shard', '', true);
  perform pg_catalog.set_config('plv8.v8_flags', v_v8_flags, true);
  perform bqx_internal.test_pause('swap');

  perform bqx_internal.bring_in_line(v_bqx::text, v_stage, p_pair, p_from, p_to);
  execute pg_catalog.format('drop table bqx_internal.%I', v_stage);
end;
$$;

comment on function bqx_internal.shard_write_month(text, timestamptz, timestamptz, text) is
  'internal: Citus mode, on the worker holding the pair (delegated): compute a pair-month from the local shard of bqx.m1 and bring its rows in the local shard of bqx.bqx in line, in place; returns rows_written, bad_bars.';
