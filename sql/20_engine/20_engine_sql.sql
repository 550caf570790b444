-- The SQL engine for one range: BQX rows for the good bars of p_pair in [p_from, p_to)
-- (what bqx.backfill writes for a month). A thin form of engine_sql_ranges, so the
-- formulas live in one file. Like it, no "set search_path": both must stay inlinable
-- into the caller's INSERT (test/sql-conventions.test.ts lists the exceptions).
create or replace function bqx_internal.engine_sql(
  p_pair text,
  p_from timestamptz,
  p_to   timestamptz
) returns setof bqx.bqx
language sql
stable
as $$
  select * from bqx_internal.engine_sql_ranges(array[p_pair], array[p_from], array[p_to])
$$;

comment on function bqx_internal.engine_sql(text, timestamptz, timestamptz) is
  'internal: the portable SQL engine for one range: BQX rows for the good bars of p_pair in [p_from, p_to), reading 75 good bars of lookback (see engine_sql_ranges).';
