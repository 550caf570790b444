-- The one write path of live mode and catch-up: recompute the stored BQX rows of
-- time ranges, one [p_from[i], p_to[i]) per pair p_pair[i], from the configured source,
-- so that afterwards every good bar of each range has its correct row, and delete the
-- rows at keys (p_gone_pair[j], p_gone_ts[j]) whose bar is gone or bad. In the lock
-- order of the README ("Locks"):
--
--   1. the per-pair live locks (bqx_internal.lock_live_pairs), so concurrent writers of
--      a pair run one after the other and each sees the other's bars;
--   2. the month locks, shared, sorted (bqx_internal.lock_months): every pair-month
--      holding a good bar of a range (its leaf created if missing), and every pair-month
--      of a gone key. A backfill of such a month (the exclusive holder) has committed
--      before this point, or waits until this transaction ends;
--   3. only then rows of bqx.bqx: the stale rows of the gone keys are deleted
--      (bqx_internal.delete_stale_rows, which checks the source first), then one
--      INSERT ... SELECT over every range (bqx_internal.upsert_ranges) writes new and
--      changed rows, computed by the configured engine (bqx_internal.engine_ranges), the
--      same one bqx.backfill uses: live rows equal backfilled rows bit for bit.
-- Returns the number of rows inserted or changed. Ranges of the same pair must not
-- overlap (a row may be upserted once per statement).
create or replace function bqx_internal.recompute_ranges(
  p_pair      text[],
  p_from      timestamptz[],
  p_to        timestamptz[],
  p_gone_pair text[]        default null,
  p_gone_ts   timestamptz[] default null
) returns bigint
language plpgsql
volatile
set search_path = ''
set jit = off
as $$
declare
  v_source regclass := bqx_internal.source_relation();
  v_pair   text[];
  v_ts     timestamptz[];
  v_make   boolean[];
begin
  perform bqx_internal.lock_live_pairs(p_pair || coalesce(p_gone_pair, '{}'));

  -- the months that hold a good bar of a range, one index probe per month (a range may
  -- span decades: a bar inserted in 1900 before a pair's 2024 history)
  execute pg_catalog.format($q$
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
      select pg_catalog.array_agg(d.pair), pg_catalog.array_agg(d.month_utc at time zone 'UTC'), pg_catalog.array_agg(true)
        from (select distinct m.pair, m.month_utc from m where m.month_utc is not null) d
    $q$, v_source) into v_pair, v_ts, v_make using p_pair, p_from, p_to;
  perform bqx_internal.lock_months(
    coalesce(v_pair, '{}') || coalesce(p_gone_pair, '{}'),
    coalesce(v_ts, '{}') || coalesce(p_gone_ts, '{}'),
    coalesce(v_make, '{}') || pg_catalog.array_fill(false, array[coalesce(pg_catalog.cardinality(p_gone_pair), 0)]));

  if p_gone_pair is not null then
    perform bqx_internal.delete_stale_rows(p_gone_pair, p_gone_ts);
  end if;
  return bqx_internal.upsert_ranges(p_pair, p_from, p_to);
end;
$$;

comment on function bqx_internal.recompute_ranges(text[], timestamptz[], timestamptz[], text[], timestamptz[]) is
  'internal: under the pair and month locks, delete the rows at gone keys (p_gone_pair[j], p_gone_ts[j]) whose bar is missing or bad, and recompute the stored BQX rows of p_pair[i] in [p_from[i], p_to[i]) (upsert of new and changed rows); returns rows written; ranges of a pair must not overlap.';
