-- The good bars several engine runs need, in one dynamic query: for each range i
-- (p_pair[i], [p_from[i], p_to[i])), up to p_lookback good bars before p_from[i] and the
-- good bars of the range, tagged with the range's number (1-based) and start. The live
-- path recomputes one small range per pair in every statement: one query for all 28
-- pairs instead of 28. Unordered: callers order by ts_utc.
-- A good rate: bqx_internal.good_rate() (isGoodRate() of plv8-src/spec.ts), inlined.
create or replace function bqx_internal.source_bars_ranges(
  p_pair     text[],
  p_from     timestamptz[],
  p_to       timestamptz[],
  p_lookback integer default 75
) returns table (range_no bigint, range_from timestamptz, ts_utc timestamptz, rate double precision)
language plpgsql
stable
set search_path = ''
as $$
begin
  return query execute pg_catalog.format($q$
    select r.n, r.f, b.ts_utc, b.rate
      from rows from (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3))
             with ordinality as r(pair, f, t, n)
      cross join lateral (
        (select s.ts_utc, s.rate::double precision as rate
           from %1$s s
          where s.pair = r.pair and s.ts_utc < r.f
            and bqx_internal.good_rate(s.rate)
          order by s.ts_utc desc
          limit $4)
        union all
        (select s.ts_utc, s.rate::double precision
           from %1$s s
          where s.pair = r.pair and s.ts_utc >= r.f and s.ts_utc < r.t
            and bqx_internal.good_rate(s.rate))) b
  $q$, bqx_internal.source_relation())
  using p_pair, p_from, p_to, p_lookback;
end;
$$;

comment on function bqx_internal.source_bars_ranges(text[], timestamptz[], timestamptz[], integer) is
  'internal: good bars of several ranges (pair[i], [from[i], to[i])) plus up to p_lookback good bars before each, tagged with the range number and start, in one query.';
