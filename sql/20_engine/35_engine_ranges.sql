-- BQX rows of several ranges (p_pair[i], [p_from[i], p_to[i])) computed by the configured
-- engine (bqx_internal.current_engine): what live mode and catch-up write
-- (bqx_internal.upsert_ranges), so a bar inserted live gets the same bits as a backfill
-- of its month would give it: one engine per database. Both engines read the 75 good
-- bars of lookback of each range, and every value depends on its own window only.
--
-- sql: one windowed pass over every range (bqx_internal.engine_sql_ranges);
-- plv8: one kernel call per range, the ranges' bars gathered in one read of the source.
-- Ranges of the same pair must not overlap.
create or replace function bqx_internal.engine_ranges(
  p_pair text[],
  p_from timestamptz[],
  p_to   timestamptz[]
) returns setof bqx.bqx
language plpgsql
stable
set search_path = ''
set jit = off
as $$
begin
  if bqx_internal.current_engine() = 'plv8' then
    return query
      select e.*
        from (select b.range_no,
                     pg_catalog.array_agg(b.ts_utc order by b.ts_utc) as ts,
                     pg_catalog.array_agg(b.rate order by b.ts_utc) as rate,
                     (pg_catalog.count(*) filter (where b.ts_utc < b.range_from))::integer as lookback
                from bqx_internal.source_bars_ranges(p_pair, p_from, p_to) b
               group by b.range_no) s
       cross join lateral bqx_internal.engine_plv8(p_pair[s.range_no], s.ts, s.rate, s.lookback) e;
  else
    return query select e.* from bqx_internal.engine_sql_ranges(p_pair, p_from, p_to) e;
  end if;
end;
$$;

comment on function bqx_internal.engine_ranges(text[], timestamptz[], timestamptz[]) is
  'internal: BQX rows of the good bars of each range (p_pair[i], [p_from[i], p_to[i])) from the configured engine (sql or plv8), each reading 75 good bars of lookback; what live mode and catch-up write.';
