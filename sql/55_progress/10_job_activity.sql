-- Per job: is its worker alive (holds the job's advisory lock), and the wall-clock
-- interval of its latest attempt. Base of the progress views.
create or replace view bqx.job_activity as
select j.*,
       j.status = 'running' and exists (
         select from pg_catalog.pg_locks l
          where l.locktype = 'advisory' and l.granted and l.database = (select d.oid from pg_catalog.pg_database d where d.datname = pg_catalog.current_database())
            and l.classid = bqx_internal.job_lock_class()::oid and l.objid = j.job_id::oid and l.objsubid = 2
       ) as worker_alive,
       pg_catalog.date_part('epoch', coalesce(j.finished_at, case when j.status = 'running' then pg_catalog.now() end) - j.started_at)::double precision
         as seconds
  from bqx.jobs j;

comment on view bqx.job_activity is
  'Backfill jobs with worker_alive (a running job whose worker''s session still holds it; false = abandoned, the next worker re-runs it) and seconds of the latest attempt.';
