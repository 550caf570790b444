-- bqx.set_live('EURUSD', false): switch live mode of one pair (the live triggers and
-- bqx.catch_up skip pairs that are off). Same as UPDATE bqx.pairs SET live = ... .
-- Bars inserted while a pair is off get no rows: when it is switched back on, a NOTICE
-- says so and how to fill them (bqx.backfill of the months loaded, or bqx.catch_up).
create or replace function bqx.set_live(pair text, live boolean)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_pair text := bqx_internal.check_pair(set_live.pair);
  v_was  boolean;
begin
  if set_live.live is null then
    perform bqx_internal.raise_error('22004', 'live must not be NULL',
      null, 'Pass true to compute BQX rows of new bars as they are inserted, false to skip them.');
  end if;
  if set_live.live then
    perform bqx_internal.citus_refuse_live('bqx.set_live');
  end if;
  select p.live into v_was from bqx.pairs p where p.pair = v_pair for update;
  update bqx.pairs p set live = set_live.live where p.pair = v_pair;
  if set_live.live and not v_was then
    raise notice 'bqx: live mode is on again for %; bars inserted while it was off have no BQX rows yet', v_pair
      using hint = 'CALL bqx.backfill(pair, month) for the months loaded meanwhile, or CALL bqx.catch_up() for bars after the last stored row.';
  end if;
  return v_was;
end;
$$;

comment on function bqx.set_live(text, boolean) is
  'Switch live mode of a pair on or off (bqx.pairs.live); returns the previous setting. Live pairs get BQX rows of bars inserted into bqx.m1 in the same transaction, and are computed by bqx.catch_up.';
