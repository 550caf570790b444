-- Name of the leaf partition holding a pair-month: bqx_<pair>_<yyyy>_<mm>, lower case
-- (the seed's monitoring queries on pg_stat_user_tables rely on these names).
create or replace function bqx_internal.leaf_name(p_pair text, p_month_start timestamptz)
returns text
language sql
immutable
set search_path = ''
as $$
  select 'bqx_' || pg_catalog.lower(p_pair) || '_'
         || pg_catalog.to_char(p_month_start at time zone 'UTC', 'YYYY_MM')
$$;

comment on function bqx_internal.leaf_name(text, timestamptz) is
  'internal: leaf partition name (without schema) of a pair-month, e.g. bqx_eurusd_2024_07.';
