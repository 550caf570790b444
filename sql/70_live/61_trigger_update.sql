-- Live mode, UPDATE: the bars at the old keys and at the new keys changed (a rate
-- corrected, a bar turned bad or good, even a bar moved to another minute or pair), so
-- both sets of keys go to bqx_internal.live_apply, which recomputes them and the 75
-- good bars after each; a bar that is now bad or gone loses its row.
create or replace function bqx_internal.live_m1_update()
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
  -- old keys may have lost their bar (moved away) and new bad bars lose their row: both
  -- are flagged, bqx_internal.delete_stale_rows checks the source before deleting
  select pg_catalog.array_agg(k.pair), pg_catalog.array_agg(k.ts_utc), pg_catalog.array_agg(k.gone)
    into v_pair, v_ts, v_gone
    from (select o.pair, o.ts_utc, true as gone from old_bars o
          union all
          select n.pair, n.ts_utc, not coalesce(bqx_internal.good_rate(n.rate), false)
            from new_bars n) k;
  if v_pair is not null then
    perform bqx_internal.live_apply(v_pair, v_ts, v_gone);
  end if;
  return null;
end;
$$;

comment on function bqx_internal.live_m1_update() is
  'internal: statement trigger function of bqx.m1 AFTER UPDATE: recomputes the BQX rows at the old and new keys and of the up to 75 later bars whose windows changed.';
