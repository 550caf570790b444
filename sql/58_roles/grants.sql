-- Privileges on the routines and views (re-created on every migrate, so granted here;
-- the roles and the table grants are in migrations/0003_job_queue.sql).
--   bqx_reader: read bars, BQX rows, the queue and the progress views and functions.
--   bqx_writer: bqx_reader + load bars, enqueue, run and schedule backfills.
--   PUBLIC: nothing that writes. Every routine of bqx_internal and the write paths of bqx
--   are revoked from PUBLIC (PostgreSQL grants EXECUTE to PUBLIC by default).
revoke execute on all functions in schema bqx_internal from public;
revoke execute on all procedures in schema bqx_internal from public;
revoke execute on procedure bqx.backfill(text, text, bigint, bigint, text) from public;
revoke execute on procedure bqx.work(integer, integer, text, boolean, integer) from public;
revoke execute on function bqx.enqueue(text[], text, text, boolean) from public;
revoke execute on function bqx.schedule(integer, integer, boolean) from public;
revoke execute on function bqx.unschedule() from public;

grant execute on all functions in schema bqx_internal to bqx_writer;
grant execute on all procedures in schema bqx_internal to bqx_writer;
grant execute on procedure bqx.backfill(text, text, bigint, bigint, text) to bqx_writer;
grant execute on procedure bqx.work(integer, integer, text, boolean, integer) to bqx_writer;
grant execute on function bqx.enqueue(text[], text, text, boolean) to bqx_writer;
grant execute on function bqx.schedule(integer, integer, boolean) to bqx_writer;
grant execute on function bqx.unschedule() to bqx_writer;

-- what the progress views and bqx.data_quality() call
grant execute on function bqx_internal.job_lock_class() to bqx_reader;
grant execute on function bqx_internal.source_relation() to bqx_reader;
-- what source_relation() and the good-bar filters of the views call
grant execute on function bqx_internal.source_problem(text) to bqx_reader;
grant execute on function bqx_internal.good_rate(double precision) to bqx_reader;
grant execute on function bqx_internal.raise_error(text, text, text, text) to bqx_reader;
grant execute on function bqx.data_quality() to bqx_reader;
grant select on bqx.job_activity, bqx.progress_by_pair, bqx.progress, bqx.recent_jobs,
                bqx.failed_jobs, bqx.storage to bqx_reader;
