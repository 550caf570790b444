-- Live mode, INSERT: one statement-level trigger with a transition table, so a batch
-- of bars costs one pass, not one per row. Skipped when the session set bqx.live = 'off'
-- (bulk loads) and when bqx reads its bars from another source (setting 'source': then
-- bqx.catch_up computes them); pairs with bqx.pairs.live = false are skipped in
-- bqx_internal.live_apply.
create or replace function bqx_internal.live_m1_insert()
returns trigger
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_pair text[];
  v_ts   timestamptz[];
  v_gone boolean[];
begin
  if not bqx_internal.live_session_on() or not bqx_internal.source_is_m1() then
    return null;
  end if;
  -- a bad bar gets no row: flag it so that a stale row at its key (if any) goes
  select pg_catalog.array_agg(n.pair), pg_catalog.array_agg(n.ts_utc),
         pg_catalog.array_agg(not coalesce(bqx_internal.good_rate(n.rate), false))
    into v_pair, v_ts, v_gone
    from new_bars n;
  if v_pair is not null then
    perform bqx_internal.live_apply(v_pair, v_ts, v_gone);
  end if;
  return null;
end;
$$;

comment on function bqx_internal.live_m1_insert() is
  'internal: statement trigger function of bqx.m1 AFTER INSERT: computes the BQX rows of the inserted bars and of the up to 75 later bars whose windows they change.';
