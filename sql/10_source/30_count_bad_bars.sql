-- Bad bars (rate NULL, NaN, +-Infinity, <= 0) of a pair in [p_from, p_to): they are
-- left out of every window and get no output row, but they are counted and reported.
create or replace function bqx_internal.count_bad_bars(
  p_pair text,
  p_from timestamptz,
  p_to   timestamptz
) returns bigint
language plpgsql
stable
set search_path = ''
as $$
declare
  v_count bigint;
begin
  execute pg_catalog.format($q$
    select pg_catalog.count(*)
      from %1$s s
     where s.pair = $1 and s.ts_utc >= $2 and s.ts_utc < $3
       and not coalesce(s.rate > 0 and s.rate < 'Infinity'::double precision, false)
  $q$, bqx_internal.source_relation())
  into v_count
  using p_pair, p_from, p_to;
  return v_count;
end;
$$;

comment on function bqx_internal.count_bad_bars(text, timestamptz, timestamptz) is
  'internal: number of bad bars (NULL, NaN, Infinity, <= 0) of a pair in [p_from, p_to) in the configured source.';
