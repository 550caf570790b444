-- Citus mode: bqx migrate calls this after installing the routines. Every function,
-- procedure and aggregate of bqx and bqx_internal becomes a distributed object, so Citus
-- creates it on every worker and propagates each later CREATE OR REPLACE and DROP (the
-- worker computing a pair-month needs the engines there); Citus already does so for
-- routines created after migration 0006. Those that use a table kept on the coordinator
-- (the queue's bqx.jobs row type) cannot be, and run on the coordinator only. bqx_internal.shard_write_month
-- is delegated to the node holding its p_pair, co-located with bqx.m1, also when called
-- inside a transaction (force_delegation). Returns how many routines it distributed now.
create or replace function bqx_internal.citus_distribute_routines()
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_proc text;
  v_n    integer := 0;
begin
  if not bqx_internal.citus_mode() then
    return 0;
  end if;
  for v_proc in
    select p.oid::regprocedure::text
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
     where n.nspname in ('bqx', 'bqx_internal')
       and not exists (select from pg_catalog.pg_dist_object o
                        where o.classid = 'pg_catalog.pg_proc'::regclass and o.objid = p.oid)
     order by p.oid
  loop
    begin
      perform pg_catalog.create_distributed_function(v_proc::regprocedure);
      v_n := v_n + 1;
    exception when feature_not_supported then
      null;  -- it uses a table that stays on the coordinator (the queue's): it runs there only
    end;
  end loop;
  -- the per-pair work that runs where the pair lives: bqx_internal.shard_*(p_pair, ...)
  for v_proc in
    select p.oid::regprocedure::text
      from pg_catalog.pg_proc p
     where p.pronamespace = 'bqx_internal'::regnamespace and p.proname like 'shard\_%'
       and not exists (select from pg_catalog.pg_dist_object o
                        where o.objid = p.oid and o.distribution_argument_index is not null)
  loop
    perform pg_catalog.create_distributed_function(v_proc::regprocedure, 'p_pair',
      colocate_with => 'bqx.m1', force_delegation => true);
  end loop;
  return v_n;
end;
$$;

comment on function bqx_internal.citus_distribute_routines() is
  'internal: Citus mode: make every routine of bqx and bqx_internal a distributed object (created on every worker, kept in sync) and delegate the shard_* functions by pair; returns how many it distributed now.';
