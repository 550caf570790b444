-- Compute one pair-month with the current engine and swap it in atomically.
--
-- The month is built in a fresh stage table (no index while inserting, primary key
-- built once afterwards, and a CHECK equal to the partition bound so ATTACH does not
-- scan it), then, in the caller's transaction: the old leaf is detached and dropped,
-- the stage is renamed to the leaf and attached. A reader sees the old month or the
-- new one, never a mix; a crash before COMMIT leaves the old month untouched.
-- Arguments are trusted (validated by bqx.backfill).
create or replace function bqx_internal.write_month(
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
set jit = off
as $$
declare
  v_parent text := 'bqx_' || pg_catalog.lower(p_pair);
  v_leaf   text := bqx_internal.leaf_name(p_pair, p_month_start);
  v_stage  text := 'stage_' || bqx_internal.leaf_name(p_pair, p_month_start) || '_' || pg_catalog.pg_backend_pid();
begin
  -- one writer per pair-month at a time; other pair-months proceed in parallel
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('bqx.month:' || v_leaf, 0));
  perform bqx_internal.ensure_pair_partition(p_pair);
  engine   := bqx_internal.current_engine();
  bad_bars := bqx_internal.count_bad_bars(p_pair, p_month_start, p_month_end);

  execute pg_catalog.format('create table bqx_internal.%I (like bqx.bqx)', v_stage);
  rows_written := bqx_internal.fill_stage(v_stage, p_pair, p_month_start, p_month_end, engine);

  if rows_written = 0 and bad_bars = 0 then
    perform bqx_internal.raise_error('P0002',
      pg_catalog.format('no source bars for %s in %s', p_pair, pg_catalog.to_char(p_month_start at time zone 'UTC', 'YYYY-MM')),
      pg_catalog.format('The source relation %s has no bars of this pair in [%s, %s).', bqx_internal.source_relation(),
        p_month_start at time zone 'UTC', p_month_end at time zone 'UTC'),
      'Load bars first (bqx import, bqx seed, or INSERT INTO bqx.m1), or check setting ''source'' in bqx.settings.');
  end if;

  execute pg_catalog.format(
    'alter table bqx_internal.%I add constraint %I primary key (pair, ts_utc), '
    'add constraint %I check (pair = %L and ts_utc >= %L and ts_utc < %L)',
    v_stage, v_stage || '_pkey', v_stage || '_bound', p_pair, p_month_start, p_month_end);

  if bqx_internal.relation_exists('bqx', v_leaf) then
    execute pg_catalog.format('alter table bqx.%I detach partition bqx.%I', v_parent, v_leaf);
    execute pg_catalog.format('drop table bqx.%I', v_leaf);
  end if;
  execute pg_catalog.format('alter table bqx_internal.%I set schema bqx', v_stage);
  execute pg_catalog.format('alter table bqx.%I rename to %I', v_stage, v_leaf);
  execute pg_catalog.format('alter index bqx.%I rename to %I', v_stage || '_pkey', v_leaf || '_pkey');
  execute pg_catalog.format('alter table bqx.%I attach partition bqx.%I for values from (%L) to (%L)',
    v_parent, v_leaf, p_month_start, p_month_end);
  execute pg_catalog.format('alter table bqx.%I drop constraint %I', v_leaf, v_stage || '_bound');
end;
$$;

comment on function bqx_internal.write_month(text, timestamptz, timestamptz) is
  'internal: compute a pair-month with the current engine into a stage table and swap it in as leaf bqx.bqx_<pair>_<yyyy>_<mm>, atomically.';
