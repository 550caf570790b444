-- The live trigger of bqx.m1 that runs bqx_internal.live_m1_update (sql/70_live/).
-- Not installed in Citus mode (bqx.m1 distributed; see migration 0006).
create or replace trigger bqx_live_update
  after update on bqx.m1
  referencing old table as old_bars new table as new_bars
  for each statement
  execute function bqx_internal.live_m1_update();

comment on trigger bqx_live_update on bqx.m1 is
  'Live mode: updated bars get their BQX rows recomputed (and the later bars whose windows they change) in the same transaction.';
