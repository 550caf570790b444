-- The months to backfill after an import changed the bars of p_months: those months,
-- and the month after each of them when it is already backfilled (its first 75 bars
-- look back into the changed month). A month after that never needs it: any month
-- with 75 good bars shields the next one.
create or replace function bqx_internal.import_backfill_months(
  p_pair   text,
  p_months text[]
) returns setof text
language sql
stable
set search_path = ''
as $$
  select distinct x.month
    from pg_catalog.unnest(p_months) as m(month)
    cross join lateral bqx_internal.parse_month(m.month) b
    cross join lateral (
      select m.month
      union all
      select pg_catalog.to_char(b.month_end at time zone 'UTC', 'YYYY-MM')
       where pg_catalog.to_regclass(pg_catalog.format('bqx.%I', bqx_internal.leaf_name(p_pair, b.month_end))) is not null
    ) x
   order by x.month;
$$;

comment on function bqx_internal.import_backfill_months(text, text[]) is
  'internal: the months whose BQX rows an import of p_months made stale: p_months plus each following month that is already backfilled.';
