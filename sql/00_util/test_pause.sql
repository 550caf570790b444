-- Test hook: when the session sets bqx.test_pause_<p_point> to an advisory-lock key,
-- wait here for a shared hold of that key. A test holds the key exclusively, sees this
-- backend wait on it in pg_locks, does what it needs while bqx is paused at p_point,
-- then releases the key. Unset (every production session): returns at once.
create or replace function bqx_internal.test_pause(p_point text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_key text := pg_catalog.current_setting('bqx.test_pause_' || p_point, true);
begin
  if coalesce(v_key, '') <> '' then
    perform pg_catalog.pg_advisory_xact_lock_shared(v_key::bigint);
  end if;
end;
$$;

comment on function bqx_internal.test_pause(text) is
  'internal: test hook; waits for a shared hold of the advisory key named by setting bqx.test_pause_<p_point>, when set.';
