-- Compute one pair-month with the current engine and store it atomically, without ever
-- holding up the pair's readers and writers (the lock order is in the README, "Locks").
--
--   1. the pair's partition bqx.bqx_<pair> exists (created and attached on first use);
--   2. the month lock 'bqx.month:<leaf>', exclusive, without queuing
--      (bqx_internal.lock_month): live writers of the month have committed;
--   3. the month is computed into a fresh stage table of bqx_internal (no lock on any
--      bqx table but ACCESS SHARE on the source), V8 sized for months if PLV8 starts
--      here (bqx_internal.set_month_v8_flags);
--   4. the swap, in the caller's transaction:
--      - the leaf exists (a re-run, or live mode made it): its rows are brought in line
--        with the stage in place (bqx_internal.bring_in_line), under ROW EXCLUSIVE on
--        the leaf only: a re-run over unchanged bars writes nothing. Readers keep
--        reading the old rows until COMMIT, nobody waits for anybody, and the leaf
--        keeps its identity (a user's grants and views on it survive);
--      - no leaf yet: the stage gets its primary key and a CHECK equal to the partition
--        bound (so ATTACH does not scan it), is moved to bqx and attached under SHARE
--        UPDATE EXCLUSIVE on bqx.bqx_<pair>, which readers and writers do not conflict
--        with.
--      Both relation locks are bounded (bqx_internal.lock_relation).
-- Waits end at bqx_internal.lock_deadline() with 55P03. A reader sees the old month or
-- the new one, never a mix; a crash before COMMIT leaves the old month untouched.
-- Arguments are trusted (validated by bqx.backfill).
-- The new month's primary key is built by this backend alone (max_parallel_maintenance_
-- workers = 0): a month is ~11 MB, where starting parallel workers for the build costs
-- more than it saves; with 2 backfill workers on 2 cores they waited on it for 19% of the
-- time (pg_stat_activity samples: IPC:ParallelCreateIndexScan), and turning it off took
-- 8 pairs x 6 months from 101k to 134k rows/s.
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
set max_parallel_maintenance_workers = 0
as $$
declare
  v_parent   text := 'bqx_' || pg_catalog.lower(p_pair);
  v_leaf     text := bqx_internal.leaf_name(p_pair, p_month_start);
  v_stage    text := 'stage_' || bqx_internal.leaf_name(p_pair, p_month_start) || '_' || pg_catalog.pg_backend_pid();
  v_deadline timestamptz := bqx_internal.lock_deadline();
  v_v8_flags text;
begin
  perform bqx_internal.ensure_pair_partition(p_pair);
  perform bqx_internal.lock_month(v_leaf, v_deadline);
  v_v8_flags := bqx_internal.set_month_v8_flags();
  engine   := bqx_internal.current_engine();

  perform bqx_internal.create_like_bqx('bqx_internal', v_stage);
  select f.rows_written, f.bad_bars into rows_written, bad_bars
    from bqx_internal.fill_stage(v_stage, p_pair, p_month_start, p_month_end, engine) f;
  perform pg_catalog.set_config('plv8.v8_flags', v_v8_flags, true);
  perform bqx_internal.test_pause('swap');

  if bqx_internal.relation_exists('bqx', v_leaf) then
    perform bqx_internal.lock_relation(pg_catalog.format('bqx.%I', v_leaf), 'row exclusive', v_deadline);
    perform bqx_internal.bring_in_line(pg_catalog.format('bqx.%I', v_leaf), v_stage, p_pair, p_month_start, p_month_end);
    execute pg_catalog.format('drop table bqx_internal.%I', v_stage);
    return;
  end if;

  execute pg_catalog.format(
    'alter table bqx_internal.%I add constraint %I primary key (pair, ts_utc), '
    'add constraint %I check (pair = %L and ts_utc >= %L and ts_utc < %L)',
    v_stage, v_stage || '_pkey', v_stage || '_bound', p_pair, p_month_start, p_month_end);
  execute pg_catalog.format('alter table bqx_internal.%I set schema bqx', v_stage);
  execute pg_catalog.format('alter table bqx.%I rename to %I', v_stage, v_leaf);
  execute pg_catalog.format('alter index bqx.%I rename to %I', v_stage || '_pkey', v_leaf || '_pkey');
  perform bqx_internal.lock_relation(pg_catalog.format('bqx.%I', v_parent), 'share update exclusive', v_deadline);
  execute pg_catalog.format('alter table bqx.%I attach partition bqx.%I for values from (%L) to (%L)',
    v_parent, v_leaf, p_month_start, p_month_end);
  execute pg_catalog.format('alter table bqx.%I drop constraint %I', v_leaf, v_stage || '_bound');
end;
$$;

comment on function bqx_internal.write_month(text, timestamptz, timestamptz) is
  'internal: compute a pair-month with the current engine into a stage table and store it as leaf bqx.bqx_<pair>_<yyyy>_<mm>, atomically (rows brought in line in place, only those that differ written, or the stage attached as a new leaf), with bounded lock waits.';
