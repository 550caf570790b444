-- Citus mode: when this database is a Citus coordinator with at least one worker node,
-- bqx's per-pair tables are spread over the workers, keyed by pair:
--   bqx.m1, bqx.bqx   distributed by pair and co-located (a pair's bars and its BQX rows
--                     live in shards on the same worker, where its months are computed);
--   bqx.pairs, bqx.settings  reference tables (a copy on every node);
--   bqx.jobs          stays a plain table on the coordinator: its foreign key to bqx.pairs
--                     is dropped in this mode (a foreign key to a reference table would
--                     make it a Citus table; bqx.enqueue checks every pair anyway) and
--                     restored by the Down section.
-- Citus cannot distribute a table partitioned on two levels (bqx.bqx: list by pair, then
-- range by month), so in this mode bqx.bqx is one plain table: a month is replaced in
-- place (rows of gone bars deleted, rows that differ upserted), which needs no DDL on the
-- workers. The table triggers (live mode on bqx.m1, the check of bqx.settings) are not
-- installed in this mode (README, "Scale-out with Citus").
-- Anywhere else (no citus extension, or no worker yet) this migration changes nothing.

-- Up Migration
do $$
declare
  v_workers integer;
begin
  if not exists (select from pg_catalog.pg_extension where extname = 'citus') then
    return;
  end if;
  execute 'select pg_catalog.count(*) from pg_catalog.pg_dist_node where groupid <> 0 and noderole = ''primary'' and isactive'
    into v_workers;
  if v_workers = 0 then
    raise notice 'bqx: the citus extension is installed but this coordinator has no worker node: single-node mode'
      using hint = 'Add workers (select citus_add_node(host, port)), then undo the migrations from 0006 on and run them again: bqx migrate down --count 2 && bqx migrate (README, Citus).';
    return;
  end if;
  if exists (select from bqx.bqx) then
    raise exception 'bqx.bqx has rows: bqx cannot switch it to Citus mode'
      using errcode = '55000',
            detail = 'Citus mode keeps bqx.bqx as one table distributed by pair; its rows are derived from bqx.m1.',
            hint = 'TRUNCATE bqx.bqx, run bqx migrate, then bqx backfill --force to compute the rows on the workers.';
  end if;
  perform pg_catalog.set_config('citus.multi_shard_modify_mode', 'sequential', true);
  -- the table triggers (installed with the routines) cannot exist on distributed tables
  drop trigger if exists bqx_settings_check on bqx.settings;
  drop trigger if exists bqx_live_insert on bqx.m1;
  drop trigger if exists bqx_live_update on bqx.m1;
  drop trigger if exists bqx_live_delete on bqx.m1;
  create table bqx.bqx_distributed (like bqx.bqx including defaults including constraints including comments);
  alter table bqx.bqx_distributed add primary key (pair, ts_utc);
  drop table bqx.bqx;
  alter table bqx.bqx_distributed rename to bqx;
  alter index bqx.bqx_distributed_pkey rename to bqx_pkey;
  comment on table bqx.bqx is
    'BQX features, one row per good bar (Citus mode: one table distributed by pair, co-located with bqx.m1).';
  grant select on bqx.bqx to bqx_reader;
  alter table bqx.jobs drop constraint jobs_pair_fkey;
  perform pg_catalog.create_reference_table('bqx.pairs');
  perform pg_catalog.create_reference_table('bqx.settings');
  perform pg_catalog.create_distributed_table('bqx.m1', 'pair');
  perform pg_catalog.create_distributed_table('bqx.bqx', 'pair', colocate_with => 'bqx.m1');
end $$;

-- Down Migration
-- Back to single-node tables on the coordinator; bqx.bqx is partitioned again and empty
-- (its rows are derived: bqx backfill --force computes them again).
do $$
begin
  if not exists (select from pg_catalog.pg_extension where extname = 'citus') then
    return;
  end if;
  if not exists (select from pg_catalog.pg_dist_partition where logicalrelid = 'bqx.m1'::regclass) then
    return;
  end if;
  perform pg_catalog.set_config('citus.multi_shard_modify_mode', 'sequential', true);
  create table bqx.bqx_single (like bqx.bqx including defaults including constraints including comments)
    partition by list (pair);
  drop table bqx.bqx;
  alter table bqx.bqx_single rename to bqx;
  alter table bqx.bqx add primary key (pair, ts_utc);
  comment on table bqx.bqx is
    'BQX features, 40 columns (BQX-SPEC section 2). Partitioned by pair (bqx.bqx_<pair>) and month (bqx.bqx_<pair>_<yyyy>_<mm>); leaves are created by bqx.backfill.';
  grant select on bqx.bqx to bqx_reader;
  perform pg_catalog.undistribute_table('bqx.m1');
  perform pg_catalog.undistribute_table('bqx.settings');
  perform pg_catalog.undistribute_table('bqx.pairs');
  alter table bqx.jobs add constraint jobs_pair_fkey
    foreign key (pair) references bqx.pairs (pair) on update cascade on delete cascade;
end $$;
