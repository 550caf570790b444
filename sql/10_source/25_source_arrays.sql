-- One pair's good bars of [p_from, p_to) plus up to p_lookback good bars before p_from,
-- as two arrays in time order, and the month's bad bars counted in the same scan (the
-- bars bqx_internal.count_bad_bars counts), for the PLV8 engine
-- (bqx_internal.fill_stage), in one statement on the configured source.
--
-- It is bqx_internal.source_bars_ranges of one range gathered into arrays, ~10x cheaper: with
-- array_agg(... ORDER BY ts_utc) every aggregate sorted its 33k inputs on its own and the
-- bars passed through a PL/pgSQL result set first: 43-60 ms of a ~330 ms pair-month, where
-- this takes ~6 ms (the source's scan and the two arrays). Each branch of the UNION ALL
-- is an ordered subquery (the lookback read backwards and turned around, then the month)
-- and array_agg consumes the Append in order: PostgreSQL runs an Append's branches one
-- after the other and a plain aggregate takes its input in the order it comes, as long
-- as nothing runs in parallel, hence max_parallel_workers_per_gather = 0.
-- enable_bitmapscan = off lets the primary key of bqx.m1 deliver the month already in
-- order (a bitmap scan would need a sort of its result); a source without a usable
-- index is sorted, which is only slower.
create or replace function bqx_internal.source_arrays(
  p_pair          text,
  p_from          timestamptz,
  p_to            timestamptz,
  p_lookback      integer default 75,
  out ts          timestamptz[],
  out rate        double precision[],
  out first_wanted integer,
  out bad_bars    bigint
)
language plpgsql
stable
set search_path = ''
set max_parallel_workers_per_gather = 0
set enable_bitmapscan = off
as $$
begin
  execute pg_catalog.format($q$
    select coalesce(pg_catalog.array_agg(b.ts_utc) filter (where b.good), '{}'),
           coalesce(pg_catalog.array_agg(b.rate) filter (where b.good), '{}'),
           (pg_catalog.count(*) filter (where b.ts_utc < $2))::integer,
           pg_catalog.count(*) filter (where not b.good)
      from ((select l.ts_utc, l.rate, true as good
               from (select s.ts_utc, s.rate::double precision as rate
                       from %1$s s
                      where s.pair = $1 and s.ts_utc < $2 and bqx_internal.good_rate(s.rate)
                      order by s.ts_utc desc
                      limit $4) l
              order by l.ts_utc)
            union all
            (select s.ts_utc, s.rate::double precision, coalesce(bqx_internal.good_rate(s.rate), false)
               from %1$s s
              where s.pair = $1 and s.ts_utc >= $2 and s.ts_utc < $3
              order by s.ts_utc)) b
  $q$, bqx_internal.source_relation())
  into ts, rate, first_wanted, bad_bars
  using p_pair, p_from, p_to, p_lookback;
end;
$$;

comment on function bqx_internal.source_arrays(text, timestamptz, timestamptz, integer) is
  'internal: the good bars of a pair in [p_from, p_to) plus up to p_lookback good bars before p_from, from the configured source, as arrays in time order (ts, rate), the number of lookback elements (first_wanted) and the bad bars of [p_from, p_to) (bad_bars); what the PLV8 engine reads.';
