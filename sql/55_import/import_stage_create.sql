-- The staging table of `bqx import`: the parsed lines of one file are COPYed into it
-- (no index, temporary, so no WAL), then bqx_internal.import_merge() moves them into
-- bqx.m1 in one set-based statement. Dropped at the end of the transaction.
create or replace function bqx_internal.import_stage_create()
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  drop table if exists pg_temp.bqx_import_stage;
  create temporary table bqx_import_stage (
    line_no  bigint not null,             -- line number in the file: the last line wins
    ts_minute bigint not null,            -- bar time, UTC, minutes since 1970
    rate     double precision not null,   -- a good rate (checked by the importer)
    repeated boolean not null             -- the file had a line at this instant before
  ) on commit drop;
end;
$$;

comment on function bqx_internal.import_stage_create() is
  'internal: create the temporary staging table pg_temp.bqx_import_stage (line_no, ts_minute, rate, repeated) that bqx import COPYs a file into; dropped at commit.';
