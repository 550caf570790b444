-- Recomputes a random sample of a pair-month's stored BQX rows with the direct formula
-- (bqx_internal.verify_direct) and compares all 37 feature columns within the spec's
-- tolerance |a - b| <= 1e-12 + 1e-9 |b| (b = direct value); NULL must meet NULL.
-- p_sample >= the month's rows checks every row.
create or replace function bqx_internal.verify_sample(
  p_pair   text,
  p_from   timestamptz,
  p_to     timestamptz,
  p_sample integer,
  out bars       bigint,
  out cells      bigint,
  out mismatches bigint,
  out examples   text
)
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_ts timestamptz[];
begin
  select pg_catalog.array_agg(x.ts_utc) into v_ts
    from (select b.ts_utc
            from bqx.bqx b
           where b.pair = p_pair and b.ts_utc >= p_from and b.ts_utc < p_to
           order by pg_catalog.random()
           limit p_sample) x;
  bars := coalesce(pg_catalog.cardinality(v_ts), 0);

  with stored as (
    select b.ts_utc, e.key as col, (e.value operator(pg_catalog.#>>) '{}')::double precision as value
      from bqx.bqx b
     cross join lateral pg_catalog.jsonb_each(pg_catalog.to_jsonb(b) operator(pg_catalog.-) 'pair'
                                              operator(pg_catalog.-) 'ts_utc' operator(pg_catalog.-) 'rate') e
     where b.pair = p_pair and b.ts_utc = any(v_ts)
  ), direct as (
    select d.ts_utc, d.col, d.value from bqx_internal.verify_direct(p_pair, v_ts) d
  ), compared as (
    select coalesce(s.ts_utc, d.ts_utc) as ts_utc, coalesce(s.col, d.col) as col,
           s.value as stored, d.value as direct,
           case when s.value is null and d.value is null then true
                when s.value is null or d.value is null then false
                else pg_catalog.abs(s.value - d.value) <= 1e-12 + 1e-9 * pg_catalog.abs(d.value)
           end as ok
      from stored s
      full join direct d on d.ts_utc = s.ts_utc and d.col = s.col
  )
  select pg_catalog.count(*),
         pg_catalog.count(*) filter (where not c.ok),
         pg_catalog.string_agg(pg_catalog.format('%s @ %s: stored %s, direct %s', c.col,
                                 pg_catalog.to_char(c.ts_utc at time zone 'UTC', 'YYYY-MM-DD HH24:MI'),
                                 coalesce(c.stored::text, 'NULL'), coalesce(c.direct::text, 'NULL')),
                               '; ' order by c.ts_utc, c.col) filter (where not c.ok)
    into cells, mismatches, examples
    from compared c;
  -- keep the report readable: the first five mismatches
  examples := pg_catalog.array_to_string((pg_catalog.string_to_array(examples, '; '))[1:5], '; ');
end;
$$;

comment on function bqx_internal.verify_sample(text, timestamptz, timestamptz, integer) is
  'internal: recompute p_sample random stored BQX rows of a pair in [p_from, p_to) with verify_direct and count the cells outside the spec tolerance.';
