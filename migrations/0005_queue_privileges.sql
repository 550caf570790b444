-- Queue state is changed only through bqx's functions (issue #11): bqx.enqueue,
-- CALL bqx.work and the queue internals are SECURITY DEFINER entry points owned by the
-- role that runs bqx migrate, so bqx_writer needs no write privilege on bqx.jobs. Before
-- this migration a writer could UPDATE bqx.jobs freely (a job set to done with invented
-- rows_written made bqx.progress report a month that does not exist).

-- Up Migration
revoke insert, update, delete, truncate on bqx.jobs from bqx_writer;

-- Down Migration
grant select, insert, update on bqx.jobs to bqx_writer;
