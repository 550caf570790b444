-- CALL bqx.backfill('EURUSD', '2024-07'): compute and store one pair-month.
create or replace procedure bqx.backfill(
  pair  text,
  month text,
  inout rows_written bigint default null,
  inout bad_bars     bigint default null,
  inout engine       text   default null
)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_pair   text := bqx_internal.check_pair(backfill.pair);
  v_bounds record;
  v_result record;
begin
  select * into v_bounds from bqx_internal.parse_month(backfill.month);
  if bqx_internal.citus_mode() then
    select * into v_result from bqx_internal.cluster_write_month(v_pair, v_bounds.month_start, v_bounds.month_end);
  else
    select * into v_result from bqx_internal.write_month(v_pair, v_bounds.month_start, v_bounds.month_end);
  end if;
  rows_written := v_result.rows_written;
  bad_bars     := v_result.bad_bars;
  engine       := v_result.engine;
  -- a month without a bar is an error (a typo'd pair or month, bars not loaded yet); the
  -- raise rolls back whatever the write did
  if rows_written = 0 and bad_bars = 0 then
    perform bqx_internal.raise_error('P0002',
      pg_catalog.format('no source bars for %s in %s', v_pair, pg_catalog.to_char(v_bounds.month_start at time zone 'UTC', 'YYYY-MM')),
      pg_catalog.format('The source relation %s has no bars of this pair in [%s, %s).', bqx_internal.source_relation(),
        v_bounds.month_start at time zone 'UTC', v_bounds.month_end at time zone 'UTC'),
      'Load bars first (bqx import, bqx seed, or INSERT INTO bqx.m1), or check setting ''source'' in bqx.settings.');
  end if;
end;
$$;

comment on procedure bqx.backfill(text, text, bigint, bigint, text) is
  'Compute and store the BQX rows of one pair-month (pair like ''EURUSD'', lower case accepted; month ''YYYY-MM'', UTC). Replaces the month atomically; returns rows_written, bad_bars (left out) and the engine used.';
