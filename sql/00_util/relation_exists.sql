-- Does schema.name exist, as seen by the current statement's snapshot? Used after
-- taking an advisory lock: to_regclass() consults the relation cache, which may not yet
-- have processed the invalidation from a transaction that just committed the table,
-- so two first writers could both try to create it. A catalog query sees the commit.
create or replace function bqx_internal.relation_exists(p_schema text, p_name text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (
    select from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where n.nspname = p_schema and c.relname = p_name)
$$;

comment on function bqx_internal.relation_exists(text, text) is
  'internal: whether relation p_schema.p_name exists in the current snapshot (safe right after taking a lock, unlike to_regclass).';
