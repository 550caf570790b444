-- The 37 feature values of some bars, recomputed from the source by the spec's formulas,
-- written as plainly as possible: for each bar its 75 previous good bars (LATERAL ...
-- ORDER BY ts_utc DESC LIMIT 75), d_i = (r_{t-i} - r_t) / r_t, then per window the sum,
-- max, min, mean, two-pass sample standard deviation and d_W, then the seven aggregates.
-- Independent of both engines (no blocks, no rolling sums, no kernel): the oracle of
-- bqx.verify. Long format: one row per (bar, column); value NULL where the spec says NULL.
-- Bars that are not good source bars are skipped.
create or replace function bqx_internal.verify_direct(
  p_pair text,
  p_ts   timestamptz[]
) returns table (ts_utc timestamptz, col text, value double precision)
language plpgsql
stable
set search_path = ''
as $$
begin
  return query execute pg_catalog.format($q$
    with bars as (
      select s.ts_utc, s.rate as r
        from %1$s s
       where s.pair = $1 and s.ts_utc = any($2)
         and bqx_internal.good_rate(s.rate)
    ), prev as (             -- i = 1 is the bar just before t
      select b.ts_utc, p.i, (p.rate - b.r) / b.r as d
        from bars b
        cross join lateral (
          select q.rate, pg_catalog.row_number() over (order by q.ts_utc desc) as i
            from (select x.ts_utc, x.rate
                    from %1$s x
                   where x.pair = $1 and x.ts_utc < b.ts_utc
                     and bqx_internal.good_rate(x.rate)
                   order by x.ts_utc desc
                   limit 75) q
        ) p
    ), windows (w) as (
      values (15), (30), (45), (60), (75)
    ), pass1 as (            -- first pass: count, sum, max, min, endpoint
      select b.ts_utc, w.w,
             pg_catalog.count(p.d) as n,
             pg_catalog.sum(p.d) as s,
             pg_catalog.max(p.d) as mx,
             pg_catalog.min(p.d) as mn,
             pg_catalog.max(p.d) filter (where p.i = w.w) as endpoint
        from bars b
        cross join windows w
        left join prev p on p.ts_utc = b.ts_utc and p.i <= w.w
       group by b.ts_utc, w.w
    ), per_window as (       -- second pass: squares of deviations from the mean
      select f.ts_utc, f.w, f.n = f.w as defined, f.s, f.mx, f.mn, f.s / f.w as mean, f.endpoint,
             pg_catalog.sqrt(pg_catalog.sum((p.d - f.s / f.w) ^ 2) / (f.w - 1)) as stdev
        from pass1 f
        left join prev p on p.ts_utc = f.ts_utc and p.i <= f.w
       group by f.ts_utc, f.w, f.n, f.s, f.mx, f.mn, f.endpoint
    ), agg1 as (
      select pw.ts_utc,
             pg_catalog.bool_and(pw.defined) as defined,
             pg_catalog.sum(pw.mean) / 5 as avg_mean,
             pg_catalog.sum(pw.endpoint) / 5 as endpoint_mean,
             pg_catalog.sum(pw.stdev) / 5 as stdev_mean,
             pg_catalog.sum(case when pg_catalog.abs(pw.s) <= 1e-12 then 0 else pg_catalog.sign(pw.s) end) as sign_balance,
             pg_catalog.max(pw.mx) filter (where pw.w = 75) - pg_catalog.min(pw.mn) filter (where pw.w = 75) as w75_range
        from per_window pw
       group by pw.ts_utc
    ), agg2 as (
      select a.ts_utc,
             pg_catalog.sqrt(pg_catalog.sum((pw.mean - a.avg_mean) ^ 2) / 4) as avg_stdev,
             pg_catalog.sum((pw.w - 45) * (pw.mean - a.avg_mean)) / 2250 as avg_slope
        from agg1 a
        join per_window pw on pw.ts_utc = a.ts_utc
       group by a.ts_utc
    )
    select pw.ts_utc, 'w' || pw.w || '_bqx_' || m.metric,
           case when pw.defined then
             case m.metric when 'return' then pw.s when 'max' then pw.mx when 'min' then pw.mn
                           when 'avg' then pw.mean when 'stdev' then pw.stdev else pw.endpoint end
           end
      from per_window pw
     cross join (values ('return'), ('max'), ('min'), ('avg'), ('stdev'), ('endpoint')) m (metric)
    union all
    select a.ts_utc, v.col, case when a.defined then v.value end
      from agg1 a
      join agg2 g on g.ts_utc = a.ts_utc
     cross join lateral (values
        ('agg_avg_mean', a.avg_mean), ('agg_avg_stdev', g.avg_stdev), ('agg_avg_slope', g.avg_slope),
        ('agg_range', a.w75_range), ('agg_endpoint_mean', a.endpoint_mean), ('agg_stdev_mean', a.stdev_mean),
        ('agg_sign_balance', a.sign_balance)) v (col, value)
  $q$, bqx_internal.source_relation())
  using p_pair, p_ts;
end;
$$;

comment on function bqx_internal.verify_direct(text, timestamptz[]) is
  'internal: the 37 BQX values of the given bars recomputed from the source by the direct two-pass formulas (one row per bar and column): the independent oracle of bqx.verify.';
