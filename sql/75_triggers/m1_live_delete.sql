-- The live trigger of bqx.m1 that runs bqx_internal.live_m1_delete (sql/70_live/).
-- Not installed in Citus mode (bqx.m1 distributed; see migration 0006).
create or replace trigger bqx_live_delete
  after delete on bqx.m1
  referencing old table as old_bars
  for each statement
  execute function bqx_internal.live_m1_delete();

comment on trigger bqx_live_delete on bqx.m1 is
  'Live mode: deleted bars lose their BQX rows and later bars are recomputed without them, in the same transaction.';
