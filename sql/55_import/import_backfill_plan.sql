-- The backfill an import calls for, decided here once (bqx import only prints or runs
-- what this returns). p_pair[i], p_month[i]: a month whose bars the import changed.
-- Stale are:
--   - every changed month (new or updated bars: their months need rows);
--   - every already-backfilled month holding one of the first 75 good bars of the pair
--     after a run of consecutive changed months: their windows reach back into the run,
--     however far (a 2019 file imported under a backfilled 2024-06: 2024-06's first 75
--     bars look back over the years of gap into 2019-12). The 76th good bar's window is
--     the 75 after the run: unchanged, as is everything later.
-- One row per run of consecutive months, with the pairs that share exactly that run:
-- `bqx backfill --pairs <pairs> --from <month_from> --to <month_to> --force`.
create or replace function bqx_internal.import_backfill_plan(
  p_pair  text[],
  p_month text[]
) returns table (pairs text[], month_from text, month_to text)
language sql
stable
set search_path = ''
as $$
  with changed as (
    select distinct c.pair, c.month, b.month_start, b.month_end
      from rows from (pg_catalog.unnest(p_pair), pg_catalog.unnest(p_month)) as c(pair, month)
      cross join lateral bqx_internal.parse_month(c.month) b
  ), run_end as (           -- the end of each run of consecutive changed months
    select x.pair, x.month_end
      from changed x
     where not exists (select from changed y where y.pair = x.pair and y.month_start = x.month_end)
  ), looking_back as (      -- the months of the 75 good bars after it that are backfilled
    select distinct r.pair, pg_catalog.to_char(f.ts_utc at time zone 'UTC', 'YYYY-MM') as month
      from run_end r
      cross join lateral (
        select m.ts_utc
          from bqx.m1 m
         where m.pair = r.pair and m.ts_utc >= r.month_end and bqx_internal.good_rate(m.rate)
         order by m.ts_utc
         limit 75) f
     where pg_catalog.to_regclass(pg_catalog.format('bqx.%I', bqx_internal.leaf_name(r.pair, f.ts_utc))) is not null
  ), stale as (
    select c.pair, c.month from changed c
    union
    select l.pair, l.month from looking_back l
  ), numbered as (          -- consecutive months share month number - row number
    select s.pair, s.month,
           pg_catalog.substr(s.month, 1, 4)::integer * 12 + pg_catalog.substr(s.month, 6, 2)::integer
             - pg_catalog.row_number() over (partition by s.pair order by s.month) as run
      from stale s
  ), runs as (
    select n.pair, pg_catalog.min(n.month) as month_from, pg_catalog.max(n.month) as month_to
      from numbered n
     group by n.pair, n.run
  )
  select pg_catalog.array_agg(r.pair order by r.pair), r.month_from, r.month_to
    from runs r
   group by r.month_from, r.month_to
   order by r.month_from, r.month_to;
$$;

comment on function bqx_internal.import_backfill_plan(text[], text[]) is
  'internal: the backfill runs an import calls for, given the (pair, month) pairs whose bars it changed: those months and every backfilled month holding one of the 75 good bars after a changed run (however far), as runs of consecutive months with the pairs sharing each.';
