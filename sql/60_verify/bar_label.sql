-- A bar's instant as the verify checks print it: 'YYYY-MM-DD HH24:MI UTC', whatever the
-- session's TimeZone.
create or replace function bqx_internal.bar_label(p_ts timestamptz)
returns text
language sql
stable
set search_path = ''
as $$
  select pg_catalog.to_char(p_ts at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC';
$$;

comment on function bqx_internal.bar_label(timestamptz) is
  'internal: a bar instant as text in UTC (YYYY-MM-DD HH24:MI UTC), for the details of bqx.verify.';
