-- The set-based SQL engine: BQX rows (bqx.bqx row type) for the good bars of ranges
-- (p_pair[i], [p_from[i], p_to[i])), equal to the TypeScript kernel (plv8-src/) within
-- BQX-SPEC section 3. One read of the source and one windowed pass (partitioned by
-- range) for all ranges: the live path recomputes a few bars of 28 pairs per statement.
-- Ranges of the same pair must not overlap. engine_sql() is the one-range form.
--
-- Why blocks: Postgres's window aggregates have no inverse transition for float8 or
-- min/max, so a "ROWS 75 PRECEDING" frame costs O(W) per row and per aggregate. Every
-- window is a multiple of 15 bars, so each bar gets the statistics of ONE 15-bar block
-- (the block ending at that bar: mean, M2 = sum of squared deviations, max, min), and a
-- window of W = 15k bars before bar t is the k blocks ending at t-1, t-16, ..., t-15k+14,
-- fetched with lag() and combined:
--   mean_W = mean of the k block means
--   M2_W   = sum of block M2 + (15/k) * sum over pairs i<j of (mean_i - mean_j)^2
-- (Chan's parallel formula for equal-size blocks, written with pairwise differences so
-- nothing is subtracted from a large sum). Block mean and M2 come from bqx_internal.moments
-- (Postgres's Youngs-Cramer float8_accum), accurate for tiny variances at any level.
-- A window whose max equals its min is flat and gets stdev exactly 0. (A negative M2
-- from rounding is clamped with CASE, not GREATEST, which would turn NULL into 0.)
-- d_i = (r_{t-i} - r_t) / r_t, so every metric is computed on raw rates and divided by r_t
-- once: return = W (mean_W - r_t) / r_t, max = (max_W - r_t) / r_t, stdev = sd_W / r_t.
create or replace function bqx_internal.engine_sql_ranges(
  p_pair text[],
  p_from timestamptz[],
  p_to   timestamptz[]
) returns setof bqx.bqx
language sql
stable
-- NO "set search_path" here, on purpose: a set-returning SQL function with a SET clause
-- is never inlined, and inlining it into the caller's INSERT ... SELECT saves a
-- tuplestore of every row (measured: ~25% of a month's compute). Every name below is
-- schema-qualified instead; test/sql-conventions.test.ts allows this one exception.
as $$
with blocks as (
  -- the 15-bar block ending at each bar as one array {mean, M2, max, min} (one lag() per
  -- block fetches all four); NULL while the block is short
  select k.range_no, k.range_from, k.ts_utc, k.rate,
         case when k.rn >= 15 then array[k.mom[2] / 15, k.mom[3], k.mx, k.mn] end as blk
    from (select b.range_no, b.range_from, b.ts_utc, b.rate,
                 pg_catalog.row_number() over (partition by b.range_no order by b.ts_utc) as rn,
                 bqx_internal.moments(b.rate) over blk as mom,
                 pg_catalog.max(b.rate) over blk        as mx,
                 pg_catalog.min(b.rate) over blk        as mn
            from bqx_internal.source_bars_ranges(p_pair, p_from, p_to) as b
          window blk as (partition by b.range_no order by b.ts_utc rows between 14 preceding and current row)) k
),
lagged0 as (
  -- the five blocks before bar t, and the endpoints r_{t-W}
  select l.range_no, l.range_from, l.ts_utc, l.rate,
         pg_catalog.lag(l.blk, 1) over o as b1, pg_catalog.lag(l.blk, 16) over o as b2,
         pg_catalog.lag(l.blk, 31) over o as b3, pg_catalog.lag(l.blk, 46) over o as b4,
         pg_catalog.lag(l.blk, 61) over o as b5,
         pg_catalog.lag(l.rate, 15) over o as e15, pg_catalog.lag(l.rate, 30) over o as e30,
         pg_catalog.lag(l.rate, 45) over o as e45, pg_catalog.lag(l.rate, 60) over o as e60,
         pg_catalog.lag(l.rate, 75) over o as e75
    from blocks l
  window o as (partition by l.range_no order by l.ts_utc)
),
lagged as (
  -- the month's bars only, blocks unpacked
  select l.range_no, l.ts_utc, l.rate, l.e15, l.e30, l.e45, l.e60, l.e75,
         l.b1[1] as m1, l.b2[1] as m2, l.b3[1] as m3, l.b4[1] as m4, l.b5[1] as m5,
         l.b1[2] as q1, l.b2[2] as q2, l.b3[2] as q3, l.b4[2] as q4, l.b5[2] as q5,
         l.b1[3] as x1, l.b2[3] as x2, l.b3[3] as x3, l.b4[3] as x4, l.b5[3] as x5,
         l.b1[4] as n1, l.b2[4] as n2, l.b3[4] as n3, l.b4[4] as n4, l.b5[4] as n5
    from lagged0 l
   where l.ts_utc >= l.range_from
  offset 0
),
combined as (
  -- raw-rate statistics of each window (mean, M2, max, min); OFFSET 0 keeps the
  -- planner from re-evaluating these expressions in every column that uses them
  select c.range_no, c.ts_utc, c.rate, c.e15, c.e30, c.e45, c.e60, c.e75,
         c.m1                                   as mean15,
         (c.m1 + c.m2) / 2                      as mean30,
         (c.m1 + c.m2 + c.m3) / 3               as mean45,
         (c.m1 + c.m2 + c.m3 + c.m4) / 4        as mean60,
         (c.m1 + c.m2 + c.m3 + c.m4 + c.m5) / 5 as mean75,
         c.q1 as m2_15,
         c.q1 + c.q2 + 7.5 * ((c.m1 - c.m2) ^ 2) as m2_30,
         c.q1 + c.q2 + c.q3
           + 5 * ((c.m1 - c.m2) ^ 2 + (c.m1 - c.m3) ^ 2 + (c.m2 - c.m3) ^ 2) as m2_45,
         c.q1 + c.q2 + c.q3 + c.q4
           + 3.75 * ((c.m1 - c.m2) ^ 2 + (c.m1 - c.m3) ^ 2 + (c.m2 - c.m3) ^ 2
                     + (c.m1 - c.m4) ^ 2 + (c.m2 - c.m4) ^ 2 + (c.m3 - c.m4) ^ 2) as m2_60,
         c.q1 + c.q2 + c.q3 + c.q4 + c.q5
           + 3 * ((c.m1 - c.m2) ^ 2 + (c.m1 - c.m3) ^ 2 + (c.m2 - c.m3) ^ 2
                  + (c.m1 - c.m4) ^ 2 + (c.m2 - c.m4) ^ 2 + (c.m3 - c.m4) ^ 2
                  + (c.m1 - c.m5) ^ 2 + (c.m2 - c.m5) ^ 2 + (c.m3 - c.m5) ^ 2 + (c.m4 - c.m5) ^ 2) as m2_75,
         -- GREATEST/LEAST skip NULLs: a window is combined only when it is defined
         c.x1 as max15,
         case when c.e30 is not null then greatest(c.x1, c.x2) end as max30,
         case when c.e45 is not null then greatest(c.x1, c.x2, c.x3) end as max45,
         case when c.e60 is not null then greatest(c.x1, c.x2, c.x3, c.x4) end as max60,
         case when c.e75 is not null then greatest(c.x1, c.x2, c.x3, c.x4, c.x5) end as max75,
         c.n1 as min15,
         case when c.e30 is not null then least(c.n1, c.n2) end as min30,
         case when c.e45 is not null then least(c.n1, c.n2, c.n3) end as min45,
         case when c.e60 is not null then least(c.n1, c.n2, c.n3, c.n4) end as min60,
         case when c.e75 is not null then least(c.n1, c.n2, c.n3, c.n4, c.n5) end as min75
    from lagged c
  offset 0
),
features as (
  -- the 30 window columns, in d units: (x - r_t) / r_t
  select f.range_no, f.ts_utc, f.rate,
         15 * (f.mean15 - f.rate) / f.rate as w15_bqx_return, (f.max15 - f.rate) / f.rate as w15_bqx_max,
         (f.min15 - f.rate) / f.rate as w15_bqx_min, (f.mean15 - f.rate) / f.rate as w15_bqx_avg,
         case when f.max15 = f.min15 then 0 else pg_catalog.sqrt(case when f.m2_15 < 0 then 0 else f.m2_15 end / 14) / f.rate end as w15_bqx_stdev,
         (f.e15 - f.rate) / f.rate as w15_bqx_endpoint,
         30 * (f.mean30 - f.rate) / f.rate as w30_bqx_return, (f.max30 - f.rate) / f.rate as w30_bqx_max,
         (f.min30 - f.rate) / f.rate as w30_bqx_min, (f.mean30 - f.rate) / f.rate as w30_bqx_avg,
         case when f.max30 = f.min30 then 0 else pg_catalog.sqrt(case when f.m2_30 < 0 then 0 else f.m2_30 end / 29) / f.rate end as w30_bqx_stdev,
         (f.e30 - f.rate) / f.rate as w30_bqx_endpoint,
         45 * (f.mean45 - f.rate) / f.rate as w45_bqx_return, (f.max45 - f.rate) / f.rate as w45_bqx_max,
         (f.min45 - f.rate) / f.rate as w45_bqx_min, (f.mean45 - f.rate) / f.rate as w45_bqx_avg,
         case when f.max45 = f.min45 then 0 else pg_catalog.sqrt(case when f.m2_45 < 0 then 0 else f.m2_45 end / 44) / f.rate end as w45_bqx_stdev,
         (f.e45 - f.rate) / f.rate as w45_bqx_endpoint,
         60 * (f.mean60 - f.rate) / f.rate as w60_bqx_return, (f.max60 - f.rate) / f.rate as w60_bqx_max,
         (f.min60 - f.rate) / f.rate as w60_bqx_min, (f.mean60 - f.rate) / f.rate as w60_bqx_avg,
         case when f.max60 = f.min60 then 0 else pg_catalog.sqrt(case when f.m2_60 < 0 then 0 else f.m2_60 end / 59) / f.rate end as w60_bqx_stdev,
         (f.e60 - f.rate) / f.rate as w60_bqx_endpoint,
         75 * (f.mean75 - f.rate) / f.rate as w75_bqx_return, (f.max75 - f.rate) / f.rate as w75_bqx_max,
         (f.min75 - f.rate) / f.rate as w75_bqx_min, (f.mean75 - f.rate) / f.rate as w75_bqx_avg,
         case when f.max75 = f.min75 then 0 else pg_catalog.sqrt(case when f.m2_75 < 0 then 0 else f.m2_75 end / 74) / f.rate end as w75_bqx_stdev,
         (f.e75 - f.rate) / f.rate as w75_bqx_endpoint
    from combined f
  offset 0
),
spread as (
  -- window averages shifted by w15_bqx_avg, then their mean: five equal averages give
  -- exactly 0 deviations, so agg_avg_stdev is exactly 0 for them
  select s.*, (s.b30 + s.b45 + s.b60 + s.b75) / 5 as b_mean
    from (select g.*, g.w30_bqx_avg - g.w15_bqx_avg as b30, g.w45_bqx_avg - g.w15_bqx_avg as b45,
                 g.w60_bqx_avg - g.w15_bqx_avg as b60, g.w75_bqx_avg - g.w15_bqx_avg as b75
            from features g
          offset 0) s
  offset 0
)
-- the seven aggregates; every one is NULL unless w75 (hence every window) is defined
select p_pair[g.range_no], g.ts_utc, g.rate,
       g.w15_bqx_return, g.w15_bqx_max, g.w15_bqx_min, g.w15_bqx_avg, g.w15_bqx_stdev, g.w15_bqx_endpoint,
       g.w30_bqx_return, g.w30_bqx_max, g.w30_bqx_min, g.w30_bqx_avg, g.w30_bqx_stdev, g.w30_bqx_endpoint,
       g.w45_bqx_return, g.w45_bqx_max, g.w45_bqx_min, g.w45_bqx_avg, g.w45_bqx_stdev, g.w45_bqx_endpoint,
       g.w60_bqx_return, g.w60_bqx_max, g.w60_bqx_min, g.w60_bqx_avg, g.w60_bqx_stdev, g.w60_bqx_endpoint,
       g.w75_bqx_return, g.w75_bqx_max, g.w75_bqx_min, g.w75_bqx_avg, g.w75_bqx_stdev, g.w75_bqx_endpoint,
       (g.w15_bqx_avg + g.w30_bqx_avg + g.w45_bqx_avg + g.w60_bqx_avg + g.w75_bqx_avg) / 5 as agg_avg_mean,
       pg_catalog.sqrt((g.b_mean ^ 2 + (g.b30 - g.b_mean) ^ 2 + (g.b45 - g.b_mean) ^ 2
                        + (g.b60 - g.b_mean) ^ 2 + (g.b75 - g.b_mean) ^ 2) / 4) as agg_avg_stdev,
       -- sum over W of (W - 45)(a_W - mean) / 2250; the weights sum to 0, so the mean drops out
       (30 * (g.w75_bqx_avg - g.w15_bqx_avg) + 15 * (g.w60_bqx_avg - g.w30_bqx_avg)) / 2250 as agg_avg_slope,
       g.w75_bqx_max - g.w75_bqx_min as agg_range,
       (g.w15_bqx_endpoint + g.w30_bqx_endpoint + g.w45_bqx_endpoint + g.w60_bqx_endpoint + g.w75_bqx_endpoint) / 5
         as agg_endpoint_mean,
       (g.w15_bqx_stdev + g.w30_bqx_stdev + g.w45_bqx_stdev + g.w60_bqx_stdev + g.w75_bqx_stdev) / 5 as agg_stdev_mean,
       case when g.w75_bqx_return is not null then
         (case when pg_catalog.abs(g.w15_bqx_return) <= 1e-12 then 0 else pg_catalog.sign(g.w15_bqx_return) end
        + case when pg_catalog.abs(g.w30_bqx_return) <= 1e-12 then 0 else pg_catalog.sign(g.w30_bqx_return) end
        + case when pg_catalog.abs(g.w45_bqx_return) <= 1e-12 then 0 else pg_catalog.sign(g.w45_bqx_return) end
        + case when pg_catalog.abs(g.w60_bqx_return) <= 1e-12 then 0 else pg_catalog.sign(g.w60_bqx_return) end
        + case when pg_catalog.abs(g.w75_bqx_return) <= 1e-12 then 0 else pg_catalog.sign(g.w75_bqx_return) end)::integer
       end as agg_sign_balance
  from spread g
$$;

comment on function bqx_internal.engine_sql_ranges(text[], timestamptz[], timestamptz[]) is
  'internal: the portable SQL engine. BQX rows for the good bars of each range (p_pair[i], [p_from[i], p_to[i])), each reading 75 good bars of lookback; 15-bar blocks combined with Chan''s formula.';
