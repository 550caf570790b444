-- The second step of the lock order (README, "Locks"), for live writers and catch-up:
-- the month locks 'bqx.month:<leaf>' of every pair-month (p_pair[i], month of
-- p_ts[i]) in SHARE mode, in sorted (pair, month) order, before any row of bqx.bqx is
-- read for writing or written. A backfill of such a month (exclusive holder) has either
-- committed before, or starts after this transaction ends. Where p_create[i], the leaf
-- is created first if missing (bqx_internal.ensure_month_partition: a month that gets
-- rows); keys whose rows may only be deleted pass false.
create or replace function bqx_internal.lock_months(p_pair text[], p_ts timestamptz[], p_create boolean[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_month record;
  v_leaf  text;
begin
  for v_month in
    select k.pair, pg_catalog.date_trunc('month', k.ts at time zone 'UTC') as month_utc, pg_catalog.bool_or(k.make) as make
      from rows from (pg_catalog.unnest(p_pair), pg_catalog.unnest(p_ts), pg_catalog.unnest(p_create)) as k(pair, ts, make)
     where k.ts > '-infinity'::timestamptz and k.ts < 'infinity'::timestamptz
     group by 1, 2
     order by 1, 2
  loop
    if v_month.make then
      v_leaf := bqx_internal.ensure_month_partition(v_month.pair, v_month.month_utc at time zone 'UTC');
    else
      v_leaf := bqx_internal.leaf_name(v_month.pair, v_month.month_utc at time zone 'UTC');
    end if;
    perform pg_catalog.pg_advisory_xact_lock_shared(bqx_internal.lock_key('bqx.month:' || v_leaf));
  end loop;
end;
$$;

comment on function bqx_internal.lock_months(text[], timestamptz[], boolean[]) is
  'internal: take the month locks (shared, sorted) of the pair-months of keys (p_pair[i], p_ts[i]), creating the leaf first where p_create[i].';
