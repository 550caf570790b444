-- The per-pair partition bqx.bqx_<pair> of bqx.bqx (itself partitioned by month),
-- created on first use: CREATE, then ATTACH, which takes SHARE UPDATE EXCLUSIVE on
-- bqx.bqx (CREATE TABLE ... PARTITION OF would take ACCESS EXCLUSIVE and stall every
-- reader of bqx.bqx until the creating transaction ends). In Citus mode bqx.bqx is not
-- partitioned (migration 0006): nothing to create.
create or replace function bqx_internal.ensure_pair_partition(p_pair text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_name text := 'bqx_' || pg_catalog.lower(p_pair);
begin
  if bqx_internal.relation_exists('bqx', v_name) or bqx_internal.citus_mode() then
    return;
  end if;
  perform pg_catalog.pg_advisory_xact_lock(bqx_internal.lock_key('bqx.pair_partition:' || p_pair));
  if not bqx_internal.relation_exists('bqx', v_name) then
    perform bqx_internal.create_like_bqx('bqx', v_name, 'range (ts_utc)');
    execute pg_catalog.format('alter table bqx.bqx attach partition bqx.%I for values in (%L)', v_name, p_pair);
    execute pg_catalog.format(
      'comment on table bqx.%I is %L', v_name, 'BQX rows of ' || p_pair || ', one leaf partition per month');
  end if;
end;
$$;

comment on function bqx_internal.ensure_pair_partition(text) is
  'internal: create the per-pair partition bqx.bqx_<pair> (partitioned by month) if it does not exist.';
