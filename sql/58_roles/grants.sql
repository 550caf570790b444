-- Privileges on the routines and views (re-created on every migrate, so granted here;
-- the roles and the table grants are in migrations/0003_job_queue.sql and 0005).
-- Applied after every other file of sql/ (scripts/lib/routines.ts installs files named
-- *grants.sql last), so "all routines" below means all of them, plv8 included.
--
--   PUBLIC: nothing. PostgreSQL grants EXECUTE on every new routine to PUBLIC; it is
--     revoked from every routine of bqx and bqx_internal.
--   bqx_reader: read bars, BQX rows, the queue and the progress views; run bqx.verify
--     and bqx.data_quality() (SECURITY DEFINER: they read through bqx's owner).
--   bqx_writer: bqx_reader + every routine of bqx (backfill, work, enqueue, schedule,
--     catch_up, set_live, ...) and of bqx_internal (bqx import calls a few; the ones that
--     change state are SECURITY DEFINER entry points owned by bqx's owner, so the
--     writer needs no privilege on bqx.jobs, bqx.bqx, its leaves or bqx_internal).
revoke execute on all functions in schema bqx from public;
revoke execute on all procedures in schema bqx from public;
revoke execute on all functions in schema bqx_internal from public;
revoke execute on all procedures in schema bqx_internal from public;

grant execute on all functions in schema bqx to bqx_writer;
grant execute on all procedures in schema bqx to bqx_writer;
grant execute on all functions in schema bqx_internal to bqx_writer;
grant execute on all procedures in schema bqx_internal to bqx_writer;

-- the read-only entry points, and what the progress views call as the reader
grant execute on function bqx.verify(text, text, integer) to bqx_reader;
grant execute on function bqx.data_quality() to bqx_reader;
grant execute on function bqx_internal.job_lock_class() to bqx_reader;
grant execute on function bqx_internal.progress_snapshot(text[]) to bqx_reader;
grant execute on function bqx_internal.citus_storage() to bqx_reader;
grant execute on function bqx_internal.citus_mode() to bqx_reader;
grant execute on function bqx_internal.source_relation() to bqx_reader;
-- what source_relation() and the good-bar filters of the views call
grant execute on function bqx_internal.source_problem(text) to bqx_reader;
grant execute on function bqx_internal.good_rate(double precision) to bqx_reader;
grant execute on function bqx_internal.raise_error(text, text, text, text) to bqx_reader;
grant select on bqx.job_activity, bqx.progress_by_pair, bqx.progress, bqx.recent_jobs,
                bqx.failed_jobs, bqx.storage to bqx_reader;
