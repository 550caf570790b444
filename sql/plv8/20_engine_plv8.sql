-- bqx_internal.engine_plv8: bqx.bqx rows from the PLV8 kernel (bqx_internal.plv8_kernel).
-- Arguments: one pair's good bars in time order (p_ts strictly increasing; what
-- bqx_internal.source_arrays returns); p_first_wanted leading lookback elements (pass at
-- least 75, or start at the pair's first bar); a row for each bar after them.
--
-- The kernel hands over each window's return and stdev and how far back its max and min
-- rates lie; here they become the 40 columns with exactly the
-- kernel's IEEE operations, in the kernel's order (plv8-src/kernel.ts rollWindow and
-- plv8-src/aggregates.ts), so the rows are bit-identical to the kernel's
-- (test/engine-equivalence.test.ts compares them bit for bit):
--   max/min/endpoint = (rate - r) / r; avg = max when the window is flat (its max rate
--   equals its min rate), else return / W; the aggregates on the avgs shifted by w15's.
-- Like engine_sql, no "set search_path" (a SQL function with a SET clause is never
-- inlined into the INSERT that writes the month): every name is schema-qualified.
create or replace function bqx_internal.engine_plv8(
  p_pair text,
  p_ts timestamptz[],
  p_rate double precision[],
  p_first_wanted integer
) returns setof bqx.bqx
language sql
stable
rows 32000
as $$
select p_pair, p_ts[f.pos], f.r,
       f.w15_bqx_return, f.w15_bqx_max, f.w15_bqx_min, f.w15_bqx_avg, f.w15_bqx_stdev, f.w15_bqx_endpoint,
       f.w30_bqx_return, f.w30_bqx_max, f.w30_bqx_min, f.w30_bqx_avg, f.w30_bqx_stdev, f.w30_bqx_endpoint,
       f.w45_bqx_return, f.w45_bqx_max, f.w45_bqx_min, f.w45_bqx_avg, f.w45_bqx_stdev, f.w45_bqx_endpoint,
       f.w60_bqx_return, f.w60_bqx_max, f.w60_bqx_min, f.w60_bqx_avg, f.w60_bqx_stdev, f.w60_bqx_endpoint,
       f.w75_bqx_return, f.w75_bqx_max, f.w75_bqx_min, f.w75_bqx_avg, f.w75_bqx_stdev, f.w75_bqx_endpoint,
       (f.w15_bqx_avg + f.w30_bqx_avg + f.w45_bqx_avg + f.w60_bqx_avg + f.w75_bqx_avg) / 5 + 0::float8 as agg_avg_mean,
       pg_catalog.sqrt(((-f.ym) * (-f.ym) + (f.y30 - f.ym) * (f.y30 - f.ym) + (f.y45 - f.ym) * (f.y45 - f.ym)
                        + (f.y60 - f.ym) * (f.y60 - f.ym) + (f.y75 - f.ym) * (f.y75 - f.ym)) / 4) as agg_avg_stdev,
       (30 * ((f.y75 - f.ym) - (-f.ym)) + 15 * ((f.y60 - f.ym) - (f.y30 - f.ym))) / 2250 + 0::float8 as agg_avg_slope,
       f.w75_bqx_max - f.w75_bqx_min as agg_range,
       (f.w15_bqx_endpoint + f.w30_bqx_endpoint + f.w45_bqx_endpoint + f.w60_bqx_endpoint + f.w75_bqx_endpoint) / 5 + 0::float8
         as agg_endpoint_mean,
       (f.w15_bqx_stdev + f.w30_bqx_stdev + f.w45_bqx_stdev + f.w60_bqx_stdev + f.w75_bqx_stdev) / 5 as agg_stdev_mean,
       case when f.w75_bqx_return is not null then
         case when f.w15_bqx_return > 1e-12::float8 then 1 when f.w15_bqx_return < -1e-12::float8 then -1 else 0 end
       + case when f.w30_bqx_return > 1e-12::float8 then 1 when f.w30_bqx_return < -1e-12::float8 then -1 else 0 end
       + case when f.w45_bqx_return > 1e-12::float8 then 1 when f.w45_bqx_return < -1e-12::float8 then -1 else 0 end
       + case when f.w60_bqx_return > 1e-12::float8 then 1 when f.w60_bqx_return < -1e-12::float8 then -1 else 0 end
       + case when f.w75_bqx_return > 1e-12::float8 then 1 when f.w75_bqx_return < -1e-12::float8 then -1 else 0 end
       end as agg_sign_balance
  from (
    -- the avgs shifted by w15's (y; y15 = 0) and their mean over the five windows (ym)
    select x.*, x.w30_bqx_avg - x.w15_bqx_avg as y30, x.w45_bqx_avg - x.w15_bqx_avg as y45,
           x.w60_bqx_avg - x.w15_bqx_avg as y60, x.w75_bqx_avg - x.w15_bqx_avg as y75,
           ((x.w30_bqx_avg - x.w15_bqx_avg) + (x.w45_bqx_avg - x.w15_bqx_avg)
            + (x.w60_bqx_avg - x.w15_bqx_avg) + (x.w75_bqx_avg - x.w15_bqx_avg)) / 5 as ym
      from (
        -- the 30 window columns; each OFFSET 0 keeps a level computed once per row
        select w.pos, w.r,
               w.ret_15 as w15_bqx_return, (w.hi_15 - w.r) / w.r as w15_bqx_max,
               (w.lo_15 - w.r) / w.r as w15_bqx_min, case when w.hi_15 = w.lo_15 then (w.hi_15 - w.r) / w.r else w.ret_15 / 15 end as w15_bqx_avg,
               w.sd_15 as w15_bqx_stdev, (w.ep_15 - w.r) / w.r as w15_bqx_endpoint,
               w.ret_30 as w30_bqx_return, (w.hi_30 - w.r) / w.r as w30_bqx_max,
               (w.lo_30 - w.r) / w.r as w30_bqx_min, case when w.hi_30 = w.lo_30 then (w.hi_30 - w.r) / w.r else w.ret_30 / 30 end as w30_bqx_avg,
               w.sd_30 as w30_bqx_stdev, (w.ep_30 - w.r) / w.r as w30_bqx_endpoint,
               w.ret_45 as w45_bqx_return, (w.hi_45 - w.r) / w.r as w45_bqx_max,
               (w.lo_45 - w.r) / w.r as w45_bqx_min, case when w.hi_45 = w.lo_45 then (w.hi_45 - w.r) / w.r else w.ret_45 / 45 end as w45_bqx_avg,
               w.sd_45 as w45_bqx_stdev, (w.ep_45 - w.r) / w.r as w45_bqx_endpoint,
               w.ret_60 as w60_bqx_return, (w.hi_60 - w.r) / w.r as w60_bqx_max,
               (w.lo_60 - w.r) / w.r as w60_bqx_min, case when w.hi_60 = w.lo_60 then (w.hi_60 - w.r) / w.r else w.ret_60 / 60 end as w60_bqx_avg,
               w.sd_60 as w60_bqx_stdev, (w.ep_60 - w.r) / w.r as w60_bqx_endpoint,
               w.ret_75 as w75_bqx_return, (w.hi_75 - w.r) / w.r as w75_bqx_max,
               (w.lo_75 - w.r) / w.r as w75_bqx_min, case when w.hi_75 = w.lo_75 then (w.hi_75 - w.r) / w.r else w.ret_75 / 75 end as w75_bqx_avg,
               w.sd_75 as w75_bqx_stdev, (w.ep_75 - w.r) / w.r as w75_bqx_endpoint
          from (
            -- one row per output bar: its position among the rates, its rate r, the rates of
            -- its windows' max, min and endpoint (NULL where a window is undefined)
            select u.*, p_rate[u.pos] as r,
                   p_rate[u.pos - (u.a >> 21)] as hi_15, p_rate[u.pos - ((u.a >> 14) & 127)] as lo_15,
                   p_rate[u.pos - ((u.a >> 7) & 127)] as hi_30, p_rate[u.pos - (u.a & 127)] as lo_30,
                   p_rate[u.pos - (u.b >> 21)] as hi_45, p_rate[u.pos - ((u.b >> 14) & 127)] as lo_45,
                   p_rate[u.pos - ((u.b >> 7) & 127)] as hi_60, p_rate[u.pos - (u.b & 127)] as lo_60,
                   p_rate[u.pos - (u.c >> 7)] as hi_75, p_rate[u.pos - (u.c & 127)] as lo_75,
                   p_rate[u.pos - 15] as ep_15, p_rate[u.pos - 30] as ep_30,
                   p_rate[u.pos - 45] as ep_45, p_rate[u.pos - 60] as ep_60,
                   p_rate[u.pos - 75] as ep_75
              from (
                -- the kernel's arrays, one row per output bar, each element read once
                select (p_first_wanted + c.n) as pos, c.a, k.mm_b[c.n] as b, k.mm_c[c.n] as c,
                       nullif(k.ret_15[c.n], 'NaN') as ret_15, nullif(k.sd_15[c.n], 'NaN') as sd_15,
                       nullif(k.ret_30[c.n], 'NaN') as ret_30, nullif(k.sd_30[c.n], 'NaN') as sd_30,
                       nullif(k.ret_45[c.n], 'NaN') as ret_45, nullif(k.sd_45[c.n], 'NaN') as sd_45,
                       nullif(k.ret_60[c.n], 'NaN') as ret_60, nullif(k.sd_60[c.n], 'NaN') as sd_60,
                       nullif(k.ret_75[c.n], 'NaN') as ret_75, nullif(k.sd_75[c.n], 'NaN') as sd_75
                  from bqx_internal.plv8_kernel(p_rate, p_first_wanted) k
                 cross join lateral pg_catalog.unnest(k.mm_a) with ordinality as c(a, n)
                offset 0) u
            offset 0) w
      offset 0) x
    offset 0) f
$$;

comment on function bqx_internal.engine_plv8(text, timestamptz[], double precision[], integer) is
  'internal: the PLV8 engine: one bqx.bqx row per bar of p_rate (good bars only) after the first p_first_wanted (lookback) elements, bit-identical to plv8-src/kernel.ts; pass at least 75 lookback bars. The kernel (bqx_internal.plv8_kernel) computes each window''s return and stdev and where its max and min are; the rest is rebuilt here with the kernel''s own operations.';
