-- Issue #10: a backfilled month no longer costs as much again in autovacuum's ANALYZE.
--
-- With the default statistics target, ANALYZE of a new 33k-row month sorts a 30,000-row
-- sample of each of its 40 columns: 0.27 s of CPU, as much as computing and writing the
-- month (PLV8 engine); in the full workload (28 pairs x 12 months, 2 workers) autovacuum's
-- ANALYZEs of new months took 17 s of the 2 cores' 140 s. No bqx query filters or joins on
-- rate or a feature column; the planner needs statistics on the key (pair, ts_utc), which
-- keeps the default target. The other 38 columns get target 0 (no statistics). SET
-- STATISTICS on the partitioned bqx.bqx recurses to the existing leaves, and
-- bqx_internal.create_like_bqx gives every new leaf bqx.bqx's targets.
-- To keep statistics on a column: ALTER TABLE bqx.bqx ALTER COLUMN <it> SET STATISTICS -1.
-- In Citus mode (migration 0006) this changes nothing: Citus refuses SET STATISTICS on a
-- distributed table ("alter table command is currently unsupported"), so its shards keep
-- the default targets.

-- Up Migration
do $$
declare
  v_column text;
begin
  if exists (select from pg_catalog.pg_extension where extname = 'citus') then
    if exists (select from pg_catalog.pg_dist_partition where logicalrelid = 'bqx.bqx'::regclass) then
      return;
    end if;
  end if;
  for v_column in
    select a.attname from pg_catalog.pg_attribute a
     where a.attrelid = 'bqx.bqx'::regclass and a.attnum > 0 and not a.attisdropped
       and a.attname not in ('pair', 'ts_utc')
     order by a.attnum
  loop
    execute format('alter table bqx.bqx alter column %I set statistics 0', v_column);
  end loop;
end;
$$;

-- Down Migration
do $$
declare
  v_column text;
begin
  if exists (select from pg_catalog.pg_extension where extname = 'citus') then
    if exists (select from pg_catalog.pg_dist_partition where logicalrelid = 'bqx.bqx'::regclass) then
      return;
    end if;
  end if;
  for v_column in
    select a.attname from pg_catalog.pg_attribute a
     where a.attrelid = 'bqx.bqx'::regclass and a.attnum > 0 and not a.attisdropped
       and a.attname not in ('pair', 'ts_utc')
     order by a.attnum
  loop
    execute format('alter table bqx.bqx alter column %I set statistics -1', v_column);
  end loop;
end;
$$;
