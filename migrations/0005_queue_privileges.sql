-- Issue #11: queue state is changed only through bqx's functions, and bqx's advisory
-- locks have keys a stranger cannot compute.
--
-- bqx.enqueue, CALL bqx.work and the queue internals are SECURITY DEFINER entry points
-- owned by the role that runs bqx migrate, so bqx_writer needs no write privilege on
-- bqx.jobs. Before this migration a writer could UPDATE bqx.jobs freely (a job set to
-- done with invented rows_written made bqx.progress report a month that does not exist).
--
-- bqx_internal.lock_salt: a random secret that every advisory-lock key of bqx is derived
-- from (bqx_internal.lock_key, bqx_internal.job_lock_class). Before, the keys were fixed
-- hashes anyone could compute: any role able to connect could take a month's, a pair's or
-- a job's lock and stall backfills, live inserts or the queue. Only bqx's owner reads it.

-- Up Migration
revoke insert, update, delete, truncate on bqx.jobs from bqx_writer;

create table bqx_internal.lock_salt (
  salt bigint not null
);
comment on table bqx_internal.lock_salt is
  'internal: the secret (one row) that bqx''s advisory-lock keys are derived from; readable by bqx''s owner only.';
insert into bqx_internal.lock_salt (salt) values ((random() * 4.6e18)::bigint);
revoke all on bqx_internal.lock_salt from public, bqx_reader, bqx_writer;

-- Down Migration
drop table bqx_internal.lock_salt;
grant select, insert, update on bqx.jobs to bqx_writer;
