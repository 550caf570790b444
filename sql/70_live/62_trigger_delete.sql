-- Live mode, DELETE: a deleted bar loses its row, and the up to 75 good bars after it
-- get their windows recomputed without it.
create or replace function bqx_internal.live_m1_delete()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_pair text[];
  v_ts   timestamptz[];
begin
  if not bqx_internal.live_session_on() or not bqx_internal.source_is_m1() then
    return null;
  end if;
  select pg_catalog.array_agg(o.pair), pg_catalog.array_agg(o.ts_utc) into v_pair, v_ts from old_bars o;
  if v_pair is not null then
    perform bqx_internal.live_apply(v_pair, v_ts, pg_catalog.array_fill(true, array[pg_catalog.cardinality(v_pair)]));
  end if;
  return null;
end;
$$;

comment on function bqx_internal.live_m1_delete() is
  'internal: statement trigger function of bqx.m1 AFTER DELETE: removes the rows of deleted bars and recomputes the up to 75 later bars whose windows they were in.';
