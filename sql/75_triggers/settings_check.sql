-- The trigger of bqx.settings that runs bqx_internal.settings_check (sql/10_source/).
-- Not installed in Citus mode (bqx.settings is a reference table there; see migration 0006).
create or replace trigger bqx_settings_check
  before insert or update on bqx.settings
  for each row
  execute function bqx_internal.settings_check();
