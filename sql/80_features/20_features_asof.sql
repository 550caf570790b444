-- Point-in-time reads: for each point (pairs[i], at[i]) the BQX row of the pair's last bar
-- at or before at[i] (never after it: no look-ahead), with the bar's own ts_utc so the
-- caller sees how stale it is; NULL columns where the pair has no bar at or before at[i].
-- One row per point, in the order of the arrays (point = 1-based position).
--
-- Each point is one descent of a month leaf's primary key (pair, ts_utc): the LATERAL
-- asks for the newest row with pair = p and ts_utc <= t, which the planner answers with
-- a backward index scan per leaf under a run-time pruned Append (pair = p prunes the
-- other pairs, ts_utc <= t the later months) and LIMIT 1 stops at the first row found.
-- Readers may call it (sql/80_features/90_grants.sql).
create or replace function bqx.features_asof(p_pairs text[], p_at timestamptz[])
returns table (
  point bigint,
  pair text,
  at timestamptz,
  ts_utc timestamptz,
  rate double precision,
  w15_bqx_return double precision,
  w15_bqx_max double precision,
  w15_bqx_min double precision,
  w15_bqx_avg double precision,
  w15_bqx_stdev double precision,
  w15_bqx_endpoint double precision,
  w30_bqx_return double precision,
  w30_bqx_max double precision,
  w30_bqx_min double precision,
  w30_bqx_avg double precision,
  w30_bqx_stdev double precision,
  w30_bqx_endpoint double precision,
  w45_bqx_return double precision,
  w45_bqx_max double precision,
  w45_bqx_min double precision,
  w45_bqx_avg double precision,
  w45_bqx_stdev double precision,
  w45_bqx_endpoint double precision,
  w60_bqx_return double precision,
  w60_bqx_max double precision,
  w60_bqx_min double precision,
  w60_bqx_avg double precision,
  w60_bqx_stdev double precision,
  w60_bqx_endpoint double precision,
  w75_bqx_return double precision,
  w75_bqx_max double precision,
  w75_bqx_min double precision,
  w75_bqx_avg double precision,
  w75_bqx_stdev double precision,
  w75_bqx_endpoint double precision,
  agg_avg_mean double precision,
  agg_avg_stdev double precision,
  agg_avg_slope double precision,
  agg_range double precision,
  agg_endpoint_mean double precision,
  agg_stdev_mean double precision,
  agg_sign_balance integer
)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_pairs   text[];
  v_unknown text[];
begin
  if p_pairs is null or p_at is null then
    perform bqx_internal.raise_error('22004', 'pairs and at must not be NULL',
      null, 'Pass two arrays of the same length, e.g. features_asof(array[''EURUSD''], array[now()]).');
  end if;
  if pg_catalog.cardinality(p_pairs) <> pg_catalog.cardinality(p_at) then
    perform bqx_internal.raise_error('22023',
      pg_catalog.format('pairs and at differ in length: %s vs %s', pg_catalog.cardinality(p_pairs), pg_catalog.cardinality(p_at)),
      'Point i is (pairs[i], at[i]): both arrays need one element per point.',
      'Build them from one query, e.g. array_agg(pair ORDER BY id) and array_agg(label_time ORDER BY id).');
  end if;
  if pg_catalog.array_position(p_pairs, null) is not null or pg_catalog.array_position(p_at, null) is not null then
    perform bqx_internal.raise_error('22004', 'pairs and at must not contain NULL',
      pg_catalog.format('First NULL at point %s.', coalesce(pg_catalog.array_position(p_pairs, null), pg_catalog.array_position(p_at, null))),
      'Leave such points out, or give them a pair and a time.');
  end if;
  -- upper-cased here, once: an expression inside the lateral would be evaluated at every
  -- probe of every leaf (measured: twice the time per point)
  select pg_catalog.array_agg(pg_catalog.upper(u.x) order by u.i) into v_pairs
    from pg_catalog.unnest(p_pairs) with ordinality as u (x, i);
  select pg_catalog.array_agg(distinct x) into v_unknown
    from pg_catalog.unnest(p_pairs) x
   where not exists (select from bqx.pairs r where r.pair = pg_catalog.upper(x));
  if v_unknown is not null then
    perform bqx_internal.raise_error('22023', pg_catalog.format('unknown pair(s) %s', pg_catalog.array_to_string(v_unknown, ', ')),
      'Every pair must be registered in bqx.pairs (lower case is accepted).',
      'Registered pairs: SELECT pair FROM bqx.pairs.');
  end if;

  return query
    select q.point, q.pair, q.at,
           b.ts_utc, b.rate, b.w15_bqx_return, b.w15_bqx_max, b.w15_bqx_min, b.w15_bqx_avg,
           b.w15_bqx_stdev, b.w15_bqx_endpoint, b.w30_bqx_return, b.w30_bqx_max, b.w30_bqx_min,
           b.w30_bqx_avg, b.w30_bqx_stdev, b.w30_bqx_endpoint, b.w45_bqx_return, b.w45_bqx_max,
           b.w45_bqx_min, b.w45_bqx_avg, b.w45_bqx_stdev, b.w45_bqx_endpoint, b.w60_bqx_return,
           b.w60_bqx_max, b.w60_bqx_min, b.w60_bqx_avg, b.w60_bqx_stdev, b.w60_bqx_endpoint,
           b.w75_bqx_return, b.w75_bqx_max, b.w75_bqx_min, b.w75_bqx_avg, b.w75_bqx_stdev,
           b.w75_bqx_endpoint, b.agg_avg_mean, b.agg_avg_stdev, b.agg_avg_slope, b.agg_range,
           b.agg_endpoint_mean, b.agg_stdev_mean, b.agg_sign_balance
      from rows from (pg_catalog.unnest(v_pairs), pg_catalog.unnest(p_at)) with ordinality as q (pair, at, point)
      left join lateral (
             select x.* from bqx.bqx x
              where x.pair = q.pair and x.ts_utc <= q.at
              order by x.ts_utc desc
              limit 1) b on true
     order by q.point;
end;
$$;

comment on function bqx.features_asof(text[], timestamptz[]) is
  'Point-in-time BQX rows: for each point (p_pairs[i], p_at[i]) the row of the pair''s last bar at or before p_at[i] (never after), with that bar''s ts_utc; NULL columns where the pair has no bar yet. One primary-key lookup per point; readers may call it.';
