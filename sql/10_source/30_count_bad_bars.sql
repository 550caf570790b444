-- Bad bars (rate NULL, NaN, +-Infinity, or outside [1e-9, 1e9]: not bqx_internal.good_rate)
-- of a pair in [p_from, p_to): they are left out of every window and get no output row,
-- but they are counted and reported. Called first by every month's write, so it also
-- checks what a source other than bqx.m1 (a view: no primary key) may get wrong: two
-- bars of the pair at one instant are refused with an error naming the source and the
-- first such instant, before anything is written (the old month is kept).
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
  v_dup    timestamptz;
  v_n      bigint;
begin
  if v_source <> 'bqx.m1'::regclass then
    execute pg_catalog.format($q$
      select s.ts_utc, pg_catalog.count(*)
        from %1$s s
       where s.pair = $1 and s.ts_utc >= $2 and s.ts_utc < $3
       group by s.ts_utc
      having pg_catalog.count(*) > 1
       order by s.ts_utc
       limit 1
    $q$, v_source)
    into v_dup, v_n
    using p_pair, p_from, p_to;
    if v_dup is not null then
      perform bqx_internal.raise_error('23505',
        pg_catalog.format('bar source %s (setting ''source'') has %s bars of %s at %s UTC', v_source, v_n, p_pair,
          pg_catalog.to_char(v_dup at time zone 'UTC', 'YYYY-MM-DD HH24:MI')),
        'A source holds at most one bar per pair and instant, like the primary key (pair, ts_utc) of bqx.m1; nothing was written.',
        'Fix the view so that (pair, ts_utc) is unique, e.g. with DISTINCT ON (pair, ts_utc).');
    end if;
  end if;
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
