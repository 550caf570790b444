-- Table and index sizes of bqx.bqx per pair (sum over the pair's month leaves), with the
-- live row estimate of pg_stat_user_tables the seed's monitoring used. A pair whose
-- partition holds no month yet (bqx.enqueue creates it before the first job) is left out.
-- In Citus mode (no leaves) the rows come from bqx_internal.citus_storage().
create or replace view bqx.storage as
select pg_catalog.upper(pg_catalog.substr(pp.relname, 5, 6)) as pair,
       pg_catalog.count(leaf.oid)::integer as months,
       coalesce(pg_catalog.sum(s.n_live_tup), 0)::bigint as live_rows,
       coalesce(pg_catalog.sum(pg_catalog.pg_table_size(leaf.oid)), 0)::bigint   as table_bytes,
       coalesce(pg_catalog.sum(pg_catalog.pg_indexes_size(leaf.oid)), 0)::bigint as index_bytes,
       coalesce(pg_catalog.sum(pg_catalog.pg_total_relation_size(leaf.oid)), 0)::bigint as total_bytes
  from pg_catalog.pg_inherits pi
  join pg_catalog.pg_class pp on pp.oid = pi.inhrelid
  left join pg_catalog.pg_inherits li on li.inhparent = pp.oid
  left join pg_catalog.pg_class leaf on leaf.oid = li.inhrelid
  left join pg_catalog.pg_stat_user_tables s on s.relid = leaf.oid
 where pi.inhparent = 'bqx.bqx'::regclass
 group by pp.relname
having pg_catalog.count(leaf.oid) > 0
union all
select * from bqx_internal.citus_storage();

comment on view bqx.storage is
  'Disk use of bqx.bqx per pair that holds a month: month leaves, live rows (pg_stat_user_tables estimate), table, index and total bytes.';
