-- What a bar source other than bqx.m1 (a view: no primary key) may get wrong: two bars of
-- the pair at one instant. Every month's write checks it before its rows are stored
-- (bqx_internal.count_bad_bars for the SQL engine, bqx_internal.fill_stage for PLV8): the
-- error names the source and the first such instant, and nothing is written (the old
-- month is kept). bqx.m1 has its primary key (pair, ts_utc) and is not read again.
create or replace function bqx_internal.check_source_unique(
  p_pair text,
  p_from timestamptz,
  p_to   timestamptz
) returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  v_source regclass := bqx_internal.source_relation();
  v_dup    timestamptz;
  v_n      bigint;
begin
  if v_source = 'bqx.m1'::regclass then
    return;
  end if;
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
end;
$$;

comment on function bqx_internal.check_source_unique(text, timestamptz, timestamptz) is
  'internal: refuses (23505) a bar source other than bqx.m1 that holds two bars of p_pair at one instant in [p_from, p_to).';
