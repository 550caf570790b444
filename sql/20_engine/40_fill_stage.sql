-- Fill a fresh stage table with the BQX rows of one pair-month, computed by p_engine
-- (bqx_internal.current_engine()): the engine half of bqx_internal.write_month (and of
-- Citus's shard_write_month), which owns the stage table, the locks and the swap.
-- Returns the rows written and the bad bars of the month left out (reported by
-- bqx.backfill). Both engines refuse a source with two bars at one instant first. The
-- PLV8 engine counts the bad bars in the same read that gathers its arrays
-- (bqx_internal.source_arrays); the SQL engine counts them with count_bad_bars.
-- Arguments are trusted (validated by bqx.backfill; p_stage is a table of bqx_internal
-- created by the caller).
create or replace function bqx_internal.fill_stage(
  p_stage  text,
  p_pair   text,
  p_from   timestamptz,
  p_to     timestamptz,
  p_engine text,
  out rows_written bigint,
  out bad_bars     bigint
)
language plpgsql
volatile
set search_path = ''
set jit = off
as $$
declare
  v_ts    timestamptz[];
  v_rate  double precision[];
  v_first integer;
begin
  if p_engine = 'plv8' then
    perform bqx_internal.check_source_unique(p_pair, p_from, p_to);
    select a.ts, a.rate, a.first_wanted, a.bad_bars into v_ts, v_rate, v_first, bad_bars
      from bqx_internal.source_arrays(p_pair, p_from, p_to) a;
    execute pg_catalog.format(
      'insert into bqx_internal.%I select * from bqx_internal.engine_plv8($1, $2, $3, $4)', p_stage)
      using p_pair, v_ts, v_rate, v_first;
  else
    bad_bars := bqx_internal.count_bad_bars(p_pair, p_from, p_to);
    execute pg_catalog.format(
      'insert into bqx_internal.%I select * from bqx_internal.engine_sql($1, $2, $3)', p_stage)
      using p_pair, p_from, p_to;
  end if;
  get diagnostics rows_written = row_count;
end;
$$;

comment on function bqx_internal.fill_stage(text, text, timestamptz, timestamptz, text) is
  'internal: insert the BQX rows of p_pair in [p_from, p_to), computed by engine p_engine (sql or plv8), into the stage table bqx_internal.<p_stage>; returns the rows written and the bad bars left out; refuses a source with two bars at one instant (23505).';
