-- A backfill's exclusive hold of its pair-month lock ('bqx.month:<leaf>'), taken before
-- it reads the source and kept until COMMIT. Live writers and catch-up hold it shared
-- while they write rows of the month, so the backfill computes after their bars are
-- committed, and they write after its rows are. Taken with pg_try_advisory_xact_lock and
-- a growing pause (10 ms .. 0.5 s), never by queuing in the lock manager: the backfill
-- holds nothing else yet, live writers never queue behind it, and no wait-for cycle can
-- include it. Past p_deadline: 55P03 naming the sessions holding the month.
create or replace function bqx_internal.lock_month(p_leaf text, p_deadline timestamptz)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_key   bigint := bqx_internal.lock_key('bqx.month:' || p_leaf);
  v_pause double precision := 0.01;
begin
  while not pg_catalog.pg_try_advisory_xact_lock(v_key) loop
    if pg_catalog.clock_timestamp() >= p_deadline then
      perform bqx_internal.raise_error('55P03',
        pg_catalog.format('bqx: gave up waiting for the lock of month %s', p_leaf),
        'Held by ' || bqx_internal.lock_holders(array(
          select l.pid from pg_catalog.pg_locks l
           where l.locktype = 'advisory' and l.granted and l.pid <> pg_catalog.pg_backend_pid()
             and l.classid = ((v_key >> 32) & 4294967295)::oid and l.objid = (v_key & 4294967295)::oid
             and l.objsubid = 1)) || ': a transaction that wrote bars of this month (live mode) and has not ended.',
        'The job stays queued and is retried; end that transaction (or pg_terminate_backend it) if it is stuck.');
    end if;
    perform pg_catalog.pg_sleep(v_pause);
    v_pause := case when v_pause < 0.25 then v_pause * 2 else 0.5 end;
  end loop;
end;
$$;

comment on function bqx_internal.lock_month(text, timestamptz) is
  'internal: take the exclusive transaction lock of pair-month leaf p_leaf without queuing (try and pause), or raise 55P03 past p_deadline.';
