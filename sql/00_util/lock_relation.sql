-- LOCK TABLE p_relation IN p_mode MODE, bounded: each try waits at most 0.5 s
-- (lock_timeout), then pauses (50 ms .. 1 s) and tries again, so a request that others
-- would queue behind is never left standing longer than 0.5 s. Past p_deadline: 55P03
-- naming the sessions that hold the relation. The caller keeps the lock until COMMIT.
-- p_relation is a schema-qualified, quoted name; p_mode a LOCK TABLE mode (trusted).
create or replace function bqx_internal.lock_relation(p_relation text, p_mode text, p_deadline timestamptz)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_timeout text := pg_catalog.current_setting('lock_timeout');
  v_pause   double precision := 0.05;
begin
  loop
    begin
      perform pg_catalog.set_config('lock_timeout', '500ms', true);
      execute pg_catalog.format('lock table %s in %s mode', p_relation, p_mode);
      perform pg_catalog.set_config('lock_timeout', v_timeout, true);
      return;
    exception when lock_not_available then
      perform pg_catalog.set_config('lock_timeout', v_timeout, true);
    end;
    if pg_catalog.clock_timestamp() >= p_deadline then
      perform bqx_internal.raise_error('55P03',
        pg_catalog.format('bqx: gave up waiting for a %s lock on %s', p_mode, p_relation),
        'Held by ' || bqx_internal.lock_holders(array(
          select distinct l.pid from pg_catalog.pg_locks l
           where l.locktype = 'relation' and l.granted and l.relation = p_relation::regclass
             and l.pid <> pg_catalog.pg_backend_pid())) || '.',
        'The job stays queued and is retried; a long VACUUM, CREATE INDEX or explicit LOCK TABLE on this table holds it up.');
    end if;
    perform pg_catalog.pg_sleep(v_pause);
    v_pause := case when v_pause < 0.5 then v_pause * 2 else 1 end;
  end loop;
end;
$$;

comment on function bqx_internal.lock_relation(text, text, timestamptz) is
  'internal: LOCK TABLE p_relation IN p_mode MODE with 0.5 s tries and growing pauses between them, or raise 55P03 past p_deadline.';
