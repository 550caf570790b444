-- The good bars an engine needs for [p_from, p_to) of one pair: up to p_lookback good
-- bars before p_from (the windows of the month's first bars reach back into earlier
-- months), then the good bars of the interval. The one-range form of
-- source_bars_ranges (which holds the query and the good-rate test). Unordered.
create or replace function bqx_internal.source_bars(
  p_pair     text,
  p_from     timestamptz,
  p_to       timestamptz,
  p_lookback integer default 75
) returns table (ts_utc timestamptz, rate double precision)
language sql
stable
set search_path = ''
as $$
  select b.ts_utc, b.rate
    from bqx_internal.source_bars_ranges(array[p_pair], array[p_from], array[p_to], p_lookback) as b
$$;

comment on function bqx_internal.source_bars(text, timestamptz, timestamptz, integer) is
  'internal: good bars of a pair in [p_from, p_to) plus up to p_lookback good bars before p_from, from the configured source.';
