-- Overall progress. elapsed is wall time during which at least one job was running
-- (the union of the jobs' latest attempts), so idle gaps between runs do not dilute
-- rows/s; the ETA divides the jobs left by the job rate seen so far.
create or replace view bqx.progress as
with spans as (
  select a.started_at as s, a.started_at + pg_catalog.make_interval(secs => a.seconds) as e
    from bqx.job_activity a
   where a.started_at is not null and a.seconds is not null
),
ordered as (
  select s.s, s.e, pg_catalog.max(s.e) over (order by s.s, s.e rows between unbounded preceding and 1 preceding) as prev_end
    from spans s
),
islands as (
  select o.s, o.e, pg_catalog.count(*) filter (where o.prev_end is null or o.s > o.prev_end) over (order by o.s, o.e) as island
    from ordered o
),
busy as (
  select coalesce(pg_catalog.sum(pg_catalog.date_part('epoch', t.e - t.s)), 0)::double precision as seconds
    from (select pg_catalog.min(i.s) as s, pg_catalog.max(i.e) as e from islands i group by i.island) t
),
totals as (
  select pg_catalog.count(*)::integer as jobs_total,
         (pg_catalog.count(*) filter (where a.status = 'pending'))::integer as jobs_pending,
         (pg_catalog.count(*) filter (where a.status = 'running'))::integer as jobs_running,
         (pg_catalog.count(*) filter (where a.status = 'done'))::integer    as jobs_done,
         (pg_catalog.count(*) filter (where a.status = 'failed'))::integer  as jobs_failed,
         (pg_catalog.count(*) filter (where a.status = 'running' and a.worker_alive))::integer as workers_active,
         (pg_catalog.count(distinct a.worker) filter (where a.status = 'done'))::integer      as workers_seen,
         coalesce(pg_catalog.sum(a.rows_written) filter (where a.status = 'done'), 0)::bigint as rows_written,
         coalesce(pg_catalog.sum(a.bad_bars) filter (where a.status = 'done'), 0)::bigint     as bad_bars,
         coalesce(pg_catalog.sum(a.attempts), 0)::bigint as attempts,
         pg_catalog.avg(pg_catalog.date_part('epoch', a.duration)) filter (where a.status = 'done') as avg_seconds_per_job,
         pg_catalog.min(a.started_at) as started_at,
         pg_catalog.max(a.finished_at) as last_finished_at
    from bqx.job_activity a
)
select t.jobs_total, t.jobs_pending, t.jobs_running, t.jobs_done, t.jobs_failed,
       case when t.jobs_total > 0 then pg_catalog.round(100.0 * t.jobs_done / t.jobs_total, 1) else 0 end as pct,
       t.rows_written, t.bad_bars, t.attempts, t.workers_active, t.workers_seen,
       t.started_at, t.last_finished_at,
       pg_catalog.make_interval(secs => b.seconds) as elapsed,
       case when b.seconds > 0 then t.rows_written / b.seconds end as rows_per_sec,
       t.avg_seconds_per_job,
       case when t.jobs_pending + t.jobs_running = 0 then pg_catalog.make_interval()
            when t.jobs_done > 0 and b.seconds > 0
              then pg_catalog.make_interval(secs => (t.jobs_pending + t.jobs_running) * b.seconds / t.jobs_done) end as eta,
       case when t.jobs_pending + t.jobs_running = 0 then null
            when t.jobs_done > 0 and b.seconds > 0
              then pg_catalog.now() + pg_catalog.make_interval(secs => (t.jobs_pending + t.jobs_running) * b.seconds / t.jobs_done) end as eta_at
  from totals t cross join busy b;

comment on view bqx.progress is
  'Overall backfill progress (one row): jobs by status, % done, rows written, bad bars, workers active now, start, elapsed busy time, rows/s, average seconds per job, ETA.';
