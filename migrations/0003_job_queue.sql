-- The backfill queue: one job per pair-month (bqx.enqueue adds them, CALL bqx.work runs
-- them, from pg_cron or the Node driver), and the roles that separate readers from
-- writers. Routines and views of the queue live in sql/50_queue, sql/55_progress and
-- sql/58_roles (re-created on every migrate); this migration holds the table and roles.

-- Up Migration
create table bqx.jobs (
  job_id         bigint generated always as identity primary key,
  pair           text not null references bqx.pairs (pair) on update cascade on delete cascade,
  month          text not null constraint jobs_month_format check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  month_start    timestamptz not null,
  month_end      timestamptz not null,
  status         text not null default 'pending'
                 constraint jobs_status check (status in ('pending', 'running', 'done', 'failed')),
  attempts       integer not null default 0,
  max_attempts   integer not null default 3 constraint jobs_max_attempts check (max_attempts >= 1),
  rows_written   bigint,
  bad_bars       bigint,
  engine         text,
  enqueued_at    timestamptz not null default now(),
  started_at     timestamptz,
  finished_at    timestamptz,
  duration       interval,
  worker         text,
  worker_pid     integer,
  last_sqlstate  text,
  last_error     text,
  constraint jobs_pair_month unique (pair, month)
);
comment on table bqx.jobs is
  'Backfill queue: one job per pair-month. bqx.enqueue adds jobs, CALL bqx.work runs them (pg_cron workers or the Node driver). Status pending -> running -> done | failed; a job whose worker died is re-run.';
comment on column bqx.jobs.status is
  'pending (waiting), running (a worker holds it), done (month stored), failed (max_attempts errors; see last_sqlstate, last_error).';
comment on column bqx.jobs.attempts is
  'Number of times a worker started this job (errors and dead workers included).';
comment on column bqx.jobs.worker is
  'Who ran the latest attempt: the worker name given to bqx.work (bqx-worker-N under pg_cron, node-N from the Node driver) and the backend pid.';
comment on column bqx.jobs.duration is
  'Wall time of the successful attempt (finished_at - started_at).';

-- the claim order (pending first, months oldest first) and the progress views
create index jobs_status_idx on bqx.jobs (status, month_start, pair);
create index jobs_finished_idx on bqx.jobs (finished_at desc) where finished_at is not null;

-- Roles are cluster-wide: created if missing, never dropped by the down migration
-- (another database of the cluster may use them).
do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'bqx_reader') then
    create role bqx_reader nologin;
    comment on role bqx_reader is 'bqx: read-only access to bars, BQX rows, the job queue and the progress views.';
  end if;
  if not exists (select from pg_catalog.pg_roles where rolname = 'bqx_writer') then
    create role bqx_writer nologin;
    comment on role bqx_writer is 'bqx: may load bars, enqueue and run backfill jobs (member of bqx_reader).';
  end if;
end $$;
grant bqx_reader to bqx_writer;

grant usage on schema bqx to bqx_reader;
grant select on bqx.pairs, bqx.settings, bqx.m1, bqx.bqx, bqx.jobs to bqx_reader;
-- usage only: bqx_reader may execute just the few read-only internals granted in
-- sql/58_roles/grants.sql (PUBLIC's EXECUTE on bqx_internal is revoked there)
grant usage on schema bqx_internal to bqx_reader;
grant select, insert, update, delete on bqx.m1 to bqx_writer;
grant select, insert, update on bqx.jobs to bqx_writer;

-- Leaves of bqx.bqx are created by write_month (in bqx_internal, then moved to bqx):
-- readers may read them directly, not only through the parent.
alter default privileges in schema bqx, bqx_internal grant select on tables to bqx_reader;
-- existing leaves
do $$
declare
  r record;
begin
  for r in select c.oid::regclass as rel
             from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'bqx' and c.relkind in ('r', 'p') and c.relname ~ '^bqx_[a-z]{6}'
  loop
    execute pg_catalog.format('grant select on %s to bqx_reader', r.rel);
  end loop;
end $$;

-- Down Migration
alter default privileges in schema bqx, bqx_internal revoke select on tables from bqx_reader;
do $$
declare
  r record;
begin
  for r in select c.oid::regclass as rel
             from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'bqx' and c.relkind in ('r', 'p') and c.relname ~ '^bqx_[a-z]{6}'
  loop
    execute pg_catalog.format('revoke select on %s from bqx_reader', r.rel);
  end loop;
end $$;
revoke all on bqx.pairs, bqx.settings, bqx.m1, bqx.bqx from bqx_reader, bqx_writer;
revoke usage on schema bqx from bqx_reader;
revoke usage on schema bqx_internal from bqx_reader;
drop table bqx.jobs;
-- bqx_reader and bqx_writer are cluster-wide and may serve other databases: kept.
-- Drop them by hand once no database uses them: DROP ROLE bqx_writer, bqx_reader;
