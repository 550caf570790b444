-- What the live triggers do with the keys (pair, ts_utc) of the bars a statement
-- inserted, updated or deleted in bqx.m1: keep the keys of live pairs (bqx.pairs.live),
-- lock those pairs, find the affected ranges (the other writers' bars are visible once
-- the pair locks are held), and hand them to bqx_internal.recompute_ranges with the keys
-- flagged p_gone (the bar was deleted, moved away or is bad): it takes the month locks
-- before it touches a row of bqx.bqx (the lock order, README "Locks"), deletes the rows
-- of gone keys whose bar is indeed not good now, and recomputes the ranges.
-- Everything happens in the statement's transaction.
create or replace function bqx_internal.live_apply(p_pair text[], p_ts timestamptz[], p_gone boolean[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_pair      text[];
  v_ts        timestamptz[];
  v_gone_pair text[];
  v_gone_ts   timestamptz[];
  v_from      timestamptz[];
  v_to        timestamptz[];
begin
  select pg_catalog.array_agg(u.pair), pg_catalog.array_agg(u.ts),
         pg_catalog.array_agg(u.pair) filter (where u.gone), pg_catalog.array_agg(u.ts) filter (where u.gone)
    into v_pair, v_ts, v_gone_pair, v_gone_ts
    from rows from (pg_catalog.unnest(p_pair), pg_catalog.unnest(p_ts), pg_catalog.unnest(p_gone)) as u(pair, ts, gone)
    join bqx.pairs p on p.pair = u.pair and p.live;
  if v_pair is null then
    return;
  end if;
  perform bqx_internal.lock_live_pairs(v_pair);
  select pg_catalog.array_agg(r.range_pair), pg_catalog.array_agg(r.range_from), pg_catalog.array_agg(r.range_to)
    into v_pair, v_from, v_to
    from bqx_internal.live_affected_ranges(v_pair, v_ts) r;
  perform bqx_internal.recompute_ranges(v_pair, v_from, v_to, v_gone_pair, v_gone_ts);
end;
$$;

comment on function bqx_internal.live_apply(text[], timestamptz[], boolean[]) is
  'internal: recompute the stored BQX rows affected by changed bqx.m1 bars at keys (p_pair[i], p_ts[i]) of live pairs, deleting the rows of keys flagged p_gone whose bar is not good now; in the current transaction.';
