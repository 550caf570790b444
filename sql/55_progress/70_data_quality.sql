-- Where the NULLs are. A row has NULL columns exactly when fewer than 75 good bars
-- precede it in the pair's history, so only the first 75 good bars of a pair may carry
-- them; misplaced_null_rows counts the NULL rows after the pair's 75th good source bar
-- (the seed's defect: NULLs at the start of every month). Reads all of bqx.bqx once.
create or replace function bqx.data_quality()
returns table (
  pair                text,
  rows_total          bigint,
  null_rows           bigint,
  misplaced_null_rows bigint,
  first_null_ts       timestamptz,
  last_null_ts        timestamptz,
  bad_bars            bigint
)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_source regclass := bqx_internal.source_relation();
  -- each pair's 75th good bar: one index probe per pair; in Citus mode (no lateral join
  -- from a reference table to a distributed one) a window per pair, which runs on the
  -- workers
  v_t75 text := case when bqx_internal.citus_mode() then
    $t$select x.pair, x.ts_utc as ts75
         from (select s.pair, s.ts_utc, pg_catalog.row_number() over (partition by s.pair order by s.ts_utc) as n
                 from %1$s s where bqx_internal.good_rate(s.rate)) x
        where x.n = 75$t$
  else
    $t$select p.pair, g.ts75
         from bqx.pairs p
         left join lateral (
           select s.ts_utc as ts75 from %1$s s
            where s.pair = p.pair and bqx_internal.good_rate(s.rate)
            order by s.ts_utc offset 74 limit 1) g on true$t$
  end;
begin
  return query execute pg_catalog.format($q$
    with t75 as (%2$s),
    counts as (
      select b.pair, pg_catalog.count(*) as rows_total,
             pg_catalog.count(*) filter (where b.w75_bqx_return is null) as null_rows,
             pg_catalog.count(*) filter (where b.w75_bqx_return is null and b.ts_utc > t.ts75) as misplaced,
             pg_catalog.min(b.ts_utc) filter (where b.w75_bqx_return is null) as first_null_ts,
             pg_catalog.max(b.ts_utc) filter (where b.w75_bqx_return is null) as last_null_ts
        from bqx.bqx b
        left join t75 t on t.pair = b.pair
       group by b.pair
    )
    select c.pair, c.rows_total, c.null_rows, c.misplaced, c.first_null_ts, c.last_null_ts,
           coalesce((select pg_catalog.sum(j.bad_bars) from bqx.jobs j where j.pair = c.pair and j.status = 'done'), 0)::bigint
      from counts c
     order by c.pair
  $q$, v_source, pg_catalog.format(v_t75, v_source));
end;
$$;

comment on function bqx.data_quality() is
  'Per pair: BQX rows, rows with NULL windows, NULL rows outside the first 75 good bars of the pair''s history (must be 0), first/last NULL time, bad bars left out by the backfill jobs. Scans bqx.bqx.';
