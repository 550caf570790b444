-- Who holds a lock that bqx waits for, for the DETAIL of a lock-wait error or warning:
-- 'pid 123 (user alice, application psql, idle in transaction since 12:00:01)', one
-- entry per session, or 'nobody now' when the holder left meanwhile.
create or replace function bqx_internal.lock_holders(p_pids integer[])
returns text
language sql
stable
set search_path = ''
as $$
  select coalesce(pg_catalog.string_agg(
           pg_catalog.format('pid %s (user %s, application %s, %s since %s)', a.pid, a.usename,
             coalesce(nullif(a.application_name, ''), '-'), a.state,
             pg_catalog.to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS TZ')), '; ' order by a.pid), 'nobody now')
    from pg_catalog.pg_stat_activity a
   where a.pid = any (p_pids)
$$;

comment on function bqx_internal.lock_holders(integer[]) is
  'internal: human-readable list of the sessions p_pids (pid, user, application, state) for lock-wait messages.';
