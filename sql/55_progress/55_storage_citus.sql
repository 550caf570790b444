-- Citus mode: bqx.storage's rows. bqx.bqx is one table distributed by pair there (no month
-- leaves to sum), and a shard holds several pairs, so a pair's bytes are its share of the
-- table's bytes across the cluster, by rows: the rows and months come from the queue's
-- done jobs (live mode is refused on a cluster, so a month's rows change only through a
-- job). No rows on a single node. SECURITY DEFINER: a reader of bqx.storage needs only
-- EXECUTE on it, not bqx.jobs' sizes or Citus' functions.
create or replace function bqx_internal.citus_storage()
returns table (pair text, months integer, live_rows bigint, table_bytes bigint, index_bytes bigint, total_bytes bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not bqx_internal.citus_mode() then
    return;
  end if;
  return query execute $q$
    with t as (
      select pg_catalog.citus_table_size('bqx.bqx'::regclass) as tbl,
             pg_catalog.citus_total_relation_size('bqx.bqx'::regclass) as total
    ),
    p as (
      select j.pair, pg_catalog.count(*)::integer as months, pg_catalog.sum(j.rows_written)::bigint as rows
        from bqx.jobs j
       where j.status = 'done'
       group by j.pair
    )
    select p.pair, p.months, p.rows,
           (t.tbl * p.rows / nullif(pg_catalog.sum(p.rows) over (), 0))::bigint,
           ((t.total - t.tbl) * p.rows / nullif(pg_catalog.sum(p.rows) over (), 0))::bigint,
           (t.total * p.rows / nullif(pg_catalog.sum(p.rows) over (), 0))::bigint
      from p cross join t
  $q$;
end;
$$;

comment on function bqx_internal.citus_storage() is
  'internal: Citus mode, bqx.storage''s rows: per pair, months and rows from the done jobs, bytes as the pair''s share (by rows) of distributed bqx.bqx''s size; nothing on a single node.';
