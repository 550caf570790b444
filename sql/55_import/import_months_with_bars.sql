-- The UTC months (YYYY-MM) between two instants in which bqx.m1 already holds a bar of
-- the pair: one index probe per month (greatest and least are SQL syntax, not functions). `bqx import` asks before writing a file: the bars
-- of every other month go straight into bqx.m1 with one binary COPY, only those of these
-- months through the staging merge. (Should another session insert one of the COPYed
-- bars meanwhile, the COPY fails on the primary key, is rolled back to a savepoint, and
-- every bar of the file goes through the merge instead.)
create or replace function bqx_internal.import_months_with_bars(
  p_pair text,
  p_lo   timestamptz,
  p_hi   timestamptz
) returns setof text
language sql
stable
set search_path = ''
as $$
  select pg_catalog.to_char(m.month_start, 'YYYY-MM')
    from pg_catalog.generate_series(
           pg_catalog.date_trunc('month', p_lo at time zone 'UTC'),
           p_hi at time zone 'UTC',
           interval '1 month') as m(month_start)
   where exists (
     select from bqx.m1 b
      where b.pair = p_pair
        and b.ts_utc >= greatest(p_lo, m.month_start at time zone 'UTC')
        and b.ts_utc <= least(p_hi, (m.month_start + interval '1 month') at time zone 'UTC' - interval '1 microsecond')
   )
   order by m.month_start;
$$;

comment on function bqx_internal.import_months_with_bars(text, timestamptz, timestamptz) is
  'internal: the UTC months (YYYY-MM) in which bqx.m1 holds a bar of p_pair between p_lo and p_hi; bqx import merges the bars of those months through its staging table and COPYs the rest straight into bqx.m1.';
