create or replace view bqx.progress_by_pair as
select j.pair,
       pg_catalog.count(*)::integer                                   as months_total,
       (pg_catalog.count(*) filter (where j.status = 'done'))::integer    as months_done,
       (pg_catalog.count(*) filter (where j.status = 'running'))::integer as months_running,
       (pg_catalog.count(*) filter (where j.status = 'pending'))::integer as months_pending,
       (pg_catalog.count(*) filter (where j.status = 'failed'))::integer  as months_failed,
       coalesce(pg_catalog.sum(j.rows_written) filter (where j.status = 'done'), 0)::bigint as rows_written,
       coalesce(pg_catalog.sum(j.bad_bars) filter (where j.status = 'done'), 0)::bigint     as bad_bars,
       pg_catalog.round(100.0 * pg_catalog.count(*) filter (where j.status = 'done') / pg_catalog.count(*), 1) as pct,
       case when pg_catalog.count(*) filter (where j.status = 'done') = pg_catalog.count(*) then 'done'
            when pg_catalog.count(*) filter (where j.status = 'running') > 0 then 'running'
            when pg_catalog.count(*) filter (where j.status = 'pending') > 0
              then case when pg_catalog.count(*) filter (where j.status in ('done', 'failed')) > 0 then 'partial' else 'pending' end
            else 'failed' end as status,
       pg_catalog.min(j.month) as first_month,
       pg_catalog.max(j.month) as last_month
  from bqx.jobs j
 group by j.pair;

comment on view bqx.progress_by_pair is
  'Backfill progress per pair: months total/done/running/pending/failed, rows written, bad bars, % done, status (done, running, partial, pending, failed).';
