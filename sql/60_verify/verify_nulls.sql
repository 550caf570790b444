-- NULL placement of a pair-month: the six w{W}_* columns of a bar are NULL exactly when
-- fewer than W good bars precede it in the pair's whole history, the seven aggregates
-- exactly when fewer than 75 do. So only the first 75 bars of a pair's history carry
-- NULLs, never the first bars of a month (the seed's edge effect).
create or replace function bqx_internal.verify_nulls(
  p_pair text,
  p_from timestamptz,
  p_to   timestamptz,
  out rows_with_nulls bigint,
  out wrong_rows      bigint,
  out first_wrong     timestamptz,
  out history_before  integer
)
language plpgsql
stable
set search_path = ''
-- whole-month joins: hash or merge joins, never a nested loop, even when a freshly
-- loaded bqx.m1 or a fresh leaf has no statistics yet (a nested loop then costs minutes)
set enable_nestloop = off
as $$
begin
  execute pg_catalog.format($q$
    select pg_catalog.count(*)::integer
      from (select 1 from %1$s s
             where s.pair = $1 and s.ts_utc < $2
               and bqx_internal.good_rate(s.rate)
             order by s.ts_utc desc
             limit 75) x
  $q$, bqx_internal.source_relation())
  into history_before
  using p_pair, p_from;

  execute pg_catalog.format($q$
    with g as (              -- rank = good bars before this one in the pair's history (capped near 75)
      select s.ts_utc, $4 + pg_catalog.row_number() over (order by s.ts_utc) - 1 as rank
        from %1$s s
       where s.pair = $1 and s.ts_utc >= $2 and s.ts_utc < $3
         and bqx_internal.good_rate(s.rate)
    ), r as (
      select b.ts_utc,
             pg_catalog.num_nulls(b.w15_bqx_return, b.w15_bqx_max, b.w15_bqx_min, b.w15_bqx_avg, b.w15_bqx_stdev, b.w15_bqx_endpoint)
               <> case when g.rank >= 15 then 0 else 6 end
          or pg_catalog.num_nulls(b.w30_bqx_return, b.w30_bqx_max, b.w30_bqx_min, b.w30_bqx_avg, b.w30_bqx_stdev, b.w30_bqx_endpoint)
               <> case when g.rank >= 30 then 0 else 6 end
          or pg_catalog.num_nulls(b.w45_bqx_return, b.w45_bqx_max, b.w45_bqx_min, b.w45_bqx_avg, b.w45_bqx_stdev, b.w45_bqx_endpoint)
               <> case when g.rank >= 45 then 0 else 6 end
          or pg_catalog.num_nulls(b.w60_bqx_return, b.w60_bqx_max, b.w60_bqx_min, b.w60_bqx_avg, b.w60_bqx_stdev, b.w60_bqx_endpoint)
               <> case when g.rank >= 60 then 0 else 6 end
          or pg_catalog.num_nulls(b.w75_bqx_return, b.w75_bqx_max, b.w75_bqx_min, b.w75_bqx_avg, b.w75_bqx_stdev, b.w75_bqx_endpoint)
               <> case when g.rank >= 75 then 0 else 6 end
          or pg_catalog.num_nulls(b.agg_avg_mean, b.agg_avg_stdev, b.agg_avg_slope, b.agg_range,
                                  b.agg_endpoint_mean, b.agg_stdev_mean, b.agg_sign_balance)
               <> case when g.rank >= 75 then 0 else 7 end as wrong,
             pg_catalog.num_nulls(b.w15_bqx_return, b.agg_sign_balance, b.w75_bqx_stdev) > 0 as has_nulls
        from bqx.bqx b
        join g on g.ts_utc = b.ts_utc
       where b.pair = $1 and b.ts_utc >= $2 and b.ts_utc < $3
    )
    select pg_catalog.count(*) filter (where r.has_nulls or r.wrong),
           pg_catalog.count(*) filter (where r.wrong),
           pg_catalog.min(r.ts_utc) filter (where r.wrong)
      from r
  $q$, bqx_internal.source_relation())
  into rows_with_nulls, wrong_rows, first_wrong
  using p_pair, p_from, p_to, history_before;
end;
$$;

comment on function bqx_internal.verify_nulls(text, timestamptz, timestamptz) is
  'internal: for bqx.verify, stored rows of a pair in [p_from, p_to) whose NULL columns differ from what the number of good bars before them in the pair''s history implies.';
