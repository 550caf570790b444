-- Citus mode (migration 0006): this database is a Citus coordinator and bqx.m1 is
-- distributed by pair. Decides which path writes a month (bqx.backfill) and refuses live
-- mode on a cluster. plpgsql, so it installs where Citus' catalog does not exist.
create or replace function bqx_internal.citus_mode()
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  if not exists (select from pg_catalog.pg_extension e where e.extname = 'citus') then
    return false;
  end if;
  return exists (select from pg_catalog.pg_dist_partition p where p.logicalrelid = 'bqx.m1'::regclass);
end;
$$;

comment on function bqx_internal.citus_mode() is
  'internal: true when bqx runs in Citus mode (bqx.m1 and bqx.bqx distributed by pair, see migration 0006).';
