-- Readers may export and read point in time: EXECUTE on the two public functions of this
-- folder and on the two validation internals they call (PUBLIC's EXECUTE on bqx_internal
-- is revoked in sql/58_roles/grants.sql, which runs before this file).
grant execute on function bqx.features_asof(text[], timestamptz[]) to bqx_reader;
grant execute on function bqx.export_months(text[], text, text) to bqx_reader;
grant execute on function bqx_internal.check_pair(text) to bqx_reader;
grant execute on function bqx_internal.parse_month(text) to bqx_reader;
grant execute on function bqx_internal.leaf_name(text, timestamptz) to bqx_reader;
grant execute on function bqx_internal.raise_error(text, text, text, text) to bqx_reader;
