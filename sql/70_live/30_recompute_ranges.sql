-- The one write path of live mode and catch-up: recompute the stored BQX rows of
-- time ranges, one [p_from[i], p_to[i]) per pair p_pair[i], from the configured source,
-- so that afterwards every good bar of each range has its correct row.
--
--   1. the per-pair live locks (bqx_internal.lock_live_pairs), so concurrent writers of
--      a pair run one after the other and each sees the other's bars;
--   2. the leaves of every month holding a good bar of a range exist
--      (bqx_internal.ensure_month_partition), and each such pair-month's advisory lock is
--      held in SHARE mode: a backfill of that month (which holds it exclusively while it
--      swaps the leaf) waits for this transaction, or this one waits for the backfill
--      and then writes into its new leaf;
--   3. bqx_internal.upsert_ranges upserts the rows of every range in one INSERT (the
--      configured engine, one read of the source with the 75 good bars of lookback of
--      each range); a row whose value did not change is not rewritten;
-- Returns the number of rows inserted or changed. Rows of bars that are gone or bad are
-- not touched here: bqx_internal.delete_stale_rows (known keys, the live triggers) and
-- bqx_internal.delete_stale_range (a whole range, catch-up) remove them.
--
-- Ranges of the same pair must not overlap (a row may be upserted once per statement).
-- The configured engine computes the rows (bqx_internal.upsert_ranges ->
-- engine_ranges), the same one bqx.backfill uses: live rows equal backfilled rows bit
-- for bit.
create or replace function bqx_internal.recompute_ranges(
  p_pair text[],
  p_from timestamptz[],
  p_to   timestamptz[]
) returns bigint
language plpgsql
volatile
set search_path = ''
set jit = off
as $$
declare
  v_source regclass := bqx_internal.source_relation();
  v_month  record;
  v_leaf   text;
  v_rows   bigint;
begin
  perform bqx_internal.lock_live_pairs(p_pair);

  -- the months that hold a good bar of a range, one index probe per month (a range may
  -- span decades: a bar inserted in 1900 before a pair's 2024 history)
  for v_month in execute pg_catalog.format($q$
      with recursive m(pair, f, t, month_utc) as (
        select r.pair, r.f, r.t,
               pg_catalog.date_trunc('month', (
                 select pg_catalog.min(s.ts_utc) from %1$s s
                  where s.pair = r.pair and s.ts_utc >= r.f and s.ts_utc < r.t
                    and bqx_internal.good_rate(s.rate)) at time zone 'UTC')
          from rows from (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3)) as r(pair, f, t)
        union all
        select m.pair, m.f, m.t,
               pg_catalog.date_trunc('month', (
                 select pg_catalog.min(s.ts_utc) from %1$s s
                  where s.pair = m.pair and s.ts_utc >= (m.month_utc + interval '1 month') at time zone 'UTC'
                    and s.ts_utc < m.t and bqx_internal.good_rate(s.rate)) at time zone 'UTC')
          from m
         where m.month_utc is not null
      )
      select distinct m.pair, m.month_utc from m where m.month_utc is not null
       order by 1, 2
    $q$, v_source) using p_pair, p_from, p_to
  loop
    v_leaf := bqx_internal.ensure_month_partition(v_month.pair, v_month.month_utc at time zone 'UTC');
    perform pg_catalog.pg_advisory_xact_lock_shared(pg_catalog.hashtextextended('bqx.month:' || v_leaf, 0));
  end loop;

  v_rows := bqx_internal.upsert_ranges(p_pair, p_from, p_to);
  return v_rows;

end;
$$;

comment on function bqx_internal.recompute_ranges(text[], timestamptz[], timestamptz[]) is
  'internal: recompute the stored BQX rows of p_pair[i] in [p_from[i], p_to[i]) from the source (upsert of new and changed rows) under the pair and month locks; returns rows written; ranges of a pair must not overlap.';
