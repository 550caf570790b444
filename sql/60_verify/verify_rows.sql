-- Row-level checks of a pair-month: stored BQX rows against the source's bars.
-- A stored row needs a good source bar at the same instant with the same rate; every
-- good source bar needs a stored row.
create or replace function bqx_internal.verify_rows(
  p_pair text,
  p_from timestamptz,
  p_to   timestamptz,
  out source_good   bigint,
  out source_bad    bigint,
  out stored        bigint,
  out missing       bigint,
  out orphans       bigint,
  out rate_differs  bigint,
  out first_missing timestamptz,
  out first_orphan  timestamptz,
  out first_rate    timestamptz
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
    with src as (
      select s.ts_utc, s.rate, coalesce(bqx_internal.good_rate(s.rate), false) as good
        from %1$s s
       where s.pair = $1 and s.ts_utc >= $2 and s.ts_utc < $3
    ), stored_rows as (
      select b.ts_utc, b.rate from bqx.bqx b
       where b.pair = $1 and b.ts_utc >= $2 and b.ts_utc < $3
    ), j as (
      select coalesce(s.ts_utc, o.ts_utc) as ts_utc, s.good, s.rate as src_rate, o.rate as out_rate,
             s.ts_utc is not null as in_src, o.ts_utc is not null as in_out
        from (select * from src where good) s
        full join stored_rows o on o.ts_utc = s.ts_utc
    )
    select (select pg_catalog.count(*) from src where good),
           (select pg_catalog.count(*) from src where not good),
           pg_catalog.count(*) filter (where j.in_out),
           pg_catalog.count(*) filter (where j.in_src and not j.in_out),
           pg_catalog.count(*) filter (where j.in_out and not j.in_src),
           pg_catalog.count(*) filter (where j.in_src and j.in_out and j.src_rate is distinct from j.out_rate),
           pg_catalog.min(j.ts_utc) filter (where j.in_src and not j.in_out),
           pg_catalog.min(j.ts_utc) filter (where j.in_out and not j.in_src),
           pg_catalog.min(j.ts_utc) filter (where j.in_src and j.in_out and j.src_rate is distinct from j.out_rate)
      from j
  $q$, bqx_internal.source_relation())
  into source_good, source_bad, stored, missing, orphans, rate_differs, first_missing, first_orphan, first_rate
  using p_pair, p_from, p_to;
end;
$$;

comment on function bqx_internal.verify_rows(text, timestamptz, timestamptz) is
  'internal: counts for bqx.verify: good and bad source bars, stored rows, good bars without a row, rows without a good bar, rows whose rate differs from the source.';
