-- The good bars an engine needs for [p_from, p_to): up to p_lookback good bars before
-- p_from (the windows of the month's first bars reach back into earlier months), then
-- the good bars of the interval. A good rate is finite and > 0; in Postgres NaN sorts
-- above Infinity and NULL fails the test, so "rate > 0 and rate < 'Infinity'" is exactly
-- isGoodRate() of plv8-src/spec.ts. Unordered: callers order by ts_utc.
create or replace function bqx_internal.source_bars(
  p_pair     text,
  p_from     timestamptz,
  p_to       timestamptz,
  p_lookback integer default 75
) returns table (ts_utc timestamptz, rate double precision)
language plpgsql
stable
set search_path = ''
as $$
begin
  return query execute pg_catalog.format($q$
    (select s.ts_utc, s.rate::double precision
       from %1$s s
      where s.pair = $1 and s.ts_utc < $2
        and s.rate > 0 and s.rate < 'Infinity'::double precision
      order by s.ts_utc desc
      limit $4)
    union all
    (select s.ts_utc, s.rate::double precision
       from %1$s s
      where s.pair = $1 and s.ts_utc >= $2 and s.ts_utc < $3
        and s.rate > 0 and s.rate < 'Infinity'::double precision)
  $q$, bqx_internal.source_relation())
  using p_pair, p_from, p_to, p_lookback;
end;
$$;

comment on function bqx_internal.source_bars(text, timestamptz, timestamptz, integer) is
  'internal: good bars of a pair in [p_from, p_to) plus up to p_lookback good bars before p_from, from the configured source.';
