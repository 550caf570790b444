-- Bad bars (rate NULL, NaN, +-Infinity, or outside [1e-9, 1e9]: not bqx_internal.good_rate)
-- of a pair in [p_from, p_to): they are left out of every window and get no output row,
-- but they are counted and reported. It also checks the source
-- (bqx_internal.check_source_unique). The PLV8 engine counts them in its own read of the
-- bars (bqx_internal.source_arrays) and calls the check itself.
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
  v_source regclass := bqx_internal.source_relation();
  v_count  bigint;
begin
  perform bqx_internal.check_source_unique(p_pair, p_from, p_to);
  execute pg_catalog.format($q$
    select pg_catalog.count(*)
      from %1$s s
     where s.pair = $1 and s.ts_utc >= $2 and s.ts_utc < $3
       and not coalesce(bqx_internal.good_rate(s.rate), false)
  $q$, v_source)
  into v_count
  using p_pair, p_from, p_to;
  return v_count;
end;
$$;

comment on function bqx_internal.count_bad_bars(text, timestamptz, timestamptz) is
  'internal: number of bad bars (NULL, NaN, Infinity, outside [1e-9, 1e9]) of a pair in [p_from, p_to) in the configured source; refuses a source with two bars at one instant (23505).';
