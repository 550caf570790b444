-- The staging table of `bqx import`, used when bqx.m1 already holds bars in the range of
-- the file: the file's bars, one per instant (the importer has applied the file's
-- duplicate rule) and in time order, are COPYed into it (binary, temporary, no index,
-- no WAL), then bqx_internal.import_merge() classifies them against bqx.m1 and moves the
-- new ones in. Dropped at the end of the transaction.
create or replace function bqx_internal.import_stage_create()
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  drop table if exists pg_temp.bqx_import_stage;
  create temporary table bqx_import_stage (
    ts_utc timestamptz not null,       -- bar time; unique in the table
    rate   double precision not null   -- a good rate (checked by the importer)
  ) on commit drop;
end;
$$;

comment on function bqx_internal.import_stage_create() is
  'internal: create the temporary staging table pg_temp.bqx_import_stage (ts_utc, rate: one bar per instant) that bqx import COPYs a file''s bars into when bqx.m1 already holds bars of its range; dropped at commit.';
