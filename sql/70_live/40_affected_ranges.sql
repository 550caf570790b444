-- Which stored rows change when the bars at keys (p_pair[i], p_ts[i]) of bqx.m1 were
-- inserted, updated or deleted. A bar's row depends on its own rate and on the 75 good
-- bars before it, so a changed key k of a pair affects k itself and the first 75 good
-- bars after k (the same bars before and after the change, since they all lie after k).
-- Keys of a pair are grouped into islands (a new island after a gap of more than a day,
-- so two far-apart late bars do not recompute everything between them); an island
-- [first key, 75th good bar after its last key] is the range to recompute; islands
-- whose ranges overlap are merged, so the ranges of a pair are disjoint.
-- Called after bqx_internal.lock_live_pairs: the bars of concurrent writers are visible.
-- PL/pgSQL rather than SQL: its plan is cached across calls (a SQL function with SET is
-- planned again on every call, and this runs in every live statement).
create or replace function bqx_internal.live_affected_ranges(p_pair text[], p_ts timestamptz[])
returns table (range_pair text, range_from timestamptz, range_to timestamptz)
language plpgsql
stable
set search_path = ''
as $$
begin
  return query
  with keyed as (
    select distinct u.pair, u.ts from rows from (pg_catalog.unnest(p_pair), pg_catalog.unnest(p_ts)) as u(pair, ts)
  ),
  gapped as (
    select k.pair, k.ts,
           pg_catalog.count(*) filter (where k.gap > interval '1 day')
             over (partition by k.pair order by k.ts) as island
      from (select k.pair, k.ts,
                   k.ts - pg_catalog.lag(k.ts) over (partition by k.pair order by k.ts) as gap
              from keyed k) k
  ),
  islands as (
    select g.pair, pg_catalog.min(g.ts) as range_from,
           coalesce((select m.ts_utc
                       from bqx.m1 m
                      where m.pair = g.pair and m.ts_utc > pg_catalog.max(g.ts)
                        and bqx_internal.good_rate(m.rate)
                      order by m.ts_utc
                     offset 74 limit 1) + interval '1 microsecond',
                    'infinity'::timestamptz) as range_to
      from gapped g
     group by g.pair, g.island
  ),
  starts as (
    select i.pair, i.range_from, i.range_to,
           pg_catalog.count(*) filter (where i.opens)
             over (partition by i.pair order by i.range_from) as merged
      from (select i.*,
                   coalesce(i.range_from >= pg_catalog.max(i.range_to)
                              over (partition by i.pair order by i.range_from
                                    rows between unbounded preceding and 1 preceding), true) as opens
              from islands i) i
  )
  select s.pair, pg_catalog.min(s.range_from), pg_catalog.max(s.range_to)
    from starts s
   group by s.pair, s.merged;
end;
$$;

comment on function bqx_internal.live_affected_ranges(text[], timestamptz[]) is
  'internal: disjoint time ranges per pair whose BQX rows change when the bqx.m1 bars at the given keys change (each key and the 75 good bars after it).';
