-- The leaf partition bqx.bqx_<pair>_<yyyy>_<mm> of the pair-month containing p_ts,
-- created empty on demand (live mode and catch-up write rows of months no backfill has
-- made yet). Named by bqx_internal.leaf_name and bounded by bqx_internal.parse_month,
-- exactly like the leaves bqx_internal.write_month swaps in, so a later backfill of the
-- month simply replaces it. Creation takes the pair-month's advisory lock, the same one
-- write_month holds, so a leaf is never created while a backfill of that month swaps it.
-- CREATE, then ATTACH: SHARE UPDATE EXCLUSIVE on bqx.bqx_<pair>, which no reader or
-- writer of the pair conflicts with (CREATE TABLE ... PARTITION OF takes ACCESS EXCLUSIVE).
create or replace function bqx_internal.ensure_month_partition(p_pair text, p_ts timestamptz)
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_bounds record;
  v_leaf   text;
begin
  select * into v_bounds
    from bqx_internal.parse_month(pg_catalog.to_char(p_ts at time zone 'UTC', 'YYYY-MM'));
  v_leaf := bqx_internal.leaf_name(p_pair, v_bounds.month_start);
  if bqx_internal.relation_exists('bqx', v_leaf) then
    return v_leaf;
  end if;
  perform bqx_internal.ensure_pair_partition(p_pair);
  perform pg_catalog.pg_advisory_xact_lock(bqx_internal.lock_key('bqx.month:' || v_leaf));
  if not bqx_internal.relation_exists('bqx', v_leaf) then
    perform bqx_internal.create_like_bqx('bqx', v_leaf);
    execute pg_catalog.format('alter table bqx.%I attach partition bqx.%I for values from (%L) to (%L)',
      'bqx_' || pg_catalog.lower(p_pair), v_leaf, v_bounds.month_start, v_bounds.month_end);
  end if;
  return v_leaf;
end;
$$;

comment on function bqx_internal.ensure_month_partition(text, timestamptz) is
  'internal: create the empty leaf bqx.bqx_<pair>_<yyyy>_<mm> of the UTC month containing p_ts if it does not exist; returns the leaf name.';
