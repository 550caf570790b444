-- Serialises live writers of the same pair: a transaction-scoped exclusive advisory lock
-- per pair, taken in sorted order so two multi-pair statements cannot deadlock on each
-- other. After the wait, READ COMMITTED statements see the other writer's bars, so the
-- result equals a serial run. REPEATABLE READ cannot: its snapshot predates the other
-- writer's commit and the windows would be computed without its bars, so it is refused
-- (SERIALIZABLE is fine: SSI aborts one of two overlapping writers with 40001).
create or replace function bqx_internal.lock_live_pairs(p_pairs text[])
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_pair text;
begin
  if pg_catalog.current_setting('transaction_isolation') = 'repeatable read' then
    perform bqx_internal.raise_error('0A000',
      'bqx live mode cannot run in a REPEATABLE READ transaction',
      'Live BQX rows of a pair are computed under a per-pair lock; a REPEATABLE READ snapshot would not see bars that a concurrent writer committed while this transaction waited, and the stored rows would differ from a full recompute.',
      'Insert bars in READ COMMITTED (the default) or SERIALIZABLE, or SET bqx.live = ''off'' for the load and run CALL bqx.backfill(pair, month) afterwards.');
  end if;
  for v_pair in select distinct u.p from pg_catalog.unnest(p_pairs) as u(p) order by 1 loop
    perform pg_catalog.pg_advisory_xact_lock(bqx_internal.lock_key('bqx.live:' || v_pair));
  end loop;
end;
$$;

comment on function bqx_internal.lock_live_pairs(text[]) is
  'internal: take the per-pair live advisory locks (exclusive, transaction-scoped, sorted order); refuses REPEATABLE READ (0A000).';
