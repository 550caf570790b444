-- The live trigger of bqx.m1 that runs bqx_internal.live_m1_insert (sql/70_live/).
-- Not installed in Citus mode (bqx.m1 distributed; see migration 0006).
create or replace trigger bqx_live_insert
  after insert on bqx.m1
  referencing new table as new_bars
  for each statement
  execute function bqx_internal.live_m1_insert();

comment on trigger bqx_live_insert on bqx.m1 is
  'Live mode: BQX rows of inserted bars (and of later bars whose windows they change) in the same transaction.';
