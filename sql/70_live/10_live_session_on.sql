-- Is live mode on for this session? Bulk loaders (bqx seed, bqx import, or anyone)
-- run SET bqx.live = 'off' in their loading session: the live triggers then do nothing
-- for that session's statements, and the loaded months are backfilled afterwards.
-- Any of off/false/0/no (any case) turns it off; unset or anything else means on.
create or replace function bqx_internal.live_session_on()
returns boolean
language sql
stable
set search_path = ''
as $$
  select pg_catalog.lower(coalesce(pg_catalog.current_setting('bqx.live', true), ''))
         not in ('off', 'false', '0', 'no')
$$;

comment on function bqx_internal.live_session_on() is
  'internal: false when the session set the custom GUC bqx.live to off (bulk loads), else true.';
