-- CALL bqx.catch_up(): live mode for a source bqx does not own (setting 'source', e.g. a
-- user's view over their own table), where no trigger can see new bars. For every live
-- pair (bqx.pairs.live) it recomputes, from the configured source, every bar after
-- (last stored BQX row of the pair - late_horizon): the new bars, and the late bars that
-- arrived inside the horizon (rows missing or different are written, rows equal to the
-- recompute are left alone, rows of bars gone from the source or bad are deleted).
-- A pair with no stored row yet gets its whole history (that is a backfill in one
-- transaction: for long histories run bqx.backfill per month first).
-- Bars older than the horizon that arrive late are not seen: widen the horizon or
-- backfill their month. Same locks as the live triggers, so it can run beside them and
-- beside backfills; bqx.schedule_live() runs it every minute with pg_cron.
create or replace procedure bqx.catch_up(
  late_horizon  interval default '1 hour',
  inout pairs   integer  default null,
  inout rows_written bigint default null,
  inout rows_deleted bigint default null
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_pair text[];
  v_from timestamptz[];
  v_to   timestamptz[];
  v_i    integer;
  v_kept_pair text[];
  v_kept_ts   timestamptz[];
begin
  perform bqx_internal.citus_refuse_live('bqx.catch_up');
  if late_horizon is null then
    perform bqx_internal.raise_error('22004', 'late_horizon must not be NULL',
      null, 'Pass an interval such as ''1 hour'' (bars this far before the last stored row are re-checked).');
  end if;
  if late_horizon < interval '0' then
    perform bqx_internal.raise_error('22023', pg_catalog.format('late_horizon must not be negative, got %s', late_horizon),
      'late_horizon is how far before the last stored BQX row of a pair late bars are looked for.',
      'Pass a positive interval such as ''1 hour'', or ''0'' to compute only bars newer than the last stored row.');
  end if;

  select pg_catalog.array_agg(p.pair order by p.pair),
         pg_catalog.array_agg(coalesce(
           (select pg_catalog.max(b.ts_utc) from bqx.bqx b where b.pair = p.pair) - catch_up.late_horizon,
           '-infinity'::timestamptz) order by p.pair),
         pg_catalog.array_agg('infinity'::timestamptz order by p.pair)
    into v_pair, v_from, v_to
    from bqx.pairs p
   where p.live;
  pairs := coalesce(pg_catalog.cardinality(v_pair), 0);
  rows_written := 0;
  rows_deleted := 0;
  if pairs = 0 then
    return;
  end if;

  -- stored rows in the ranges may lose their bar: their months are locked too (as gone
  -- keys: recompute_ranges locks them before any row is touched; the source decides)
  select pg_catalog.array_agg(m.pair), pg_catalog.array_agg(m.month_ts)
    into v_kept_pair, v_kept_ts
    from rows from (pg_catalog.unnest(v_pair), pg_catalog.unnest(v_from)) as r(pair, f)
    cross join lateral (
      select distinct b.pair, pg_catalog.date_trunc('month', b.ts_utc at time zone 'UTC') at time zone 'UTC' as month_ts
        from bqx.bqx b where b.pair = r.pair and b.ts_utc >= r.f) m;
  rows_written := bqx_internal.recompute_ranges(v_pair, v_from, v_to, v_kept_pair, v_kept_ts);
  for v_i in 1 .. pairs loop
    rows_deleted := rows_deleted + bqx_internal.delete_stale_range(v_pair[v_i], v_from[v_i], v_to[v_i]);
  end loop;
end;
$$;

comment on procedure bqx.catch_up(interval, integer, bigint, bigint) is
  'Live mode for any source (setting ''source''): compute the BQX rows of every live pair''s bars newer than its last stored row, and re-check the late_horizon before it (missing or changed rows written, rows of gone or bad bars deleted). Returns pairs, rows_written, rows_deleted. Run every minute by bqx.schedule_live().';
