-- Every table bqx makes in the shape of bqx.bqx (a pair's partition, a month's leaf, a
-- backfill's stage table that becomes a leaf) is made here, so that it also takes
-- bqx.bqx's per-column statistics targets, which CREATE TABLE (LIKE ...), PARTITION OF and
-- ATTACH PARTITION do not copy.
--
-- Why it matters (migration 0007): autovacuum ANALYZEs each new month, and with the
-- default target that sorts a 30,000-row sample of every one of the 40 columns: 0.27 s of
-- CPU per 33k-row month, as much as computing and writing the month, spent on statistics
-- of columns that no bqx query filters or joins on. bqx.bqx keeps the planner's
-- statistics on the key (pair, ts_utc) and none on rate and the 37 features; a user who filters on a
-- feature sets its target on bqx.bqx (which recurses to the existing leaves) and every
-- later leaf takes it from there.
create or replace function bqx_internal.create_like_bqx(
  p_schema       text,
  p_name         text,
  p_partition_by text default null
) returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_targets text;
begin
  execute pg_catalog.format('create table %I.%I (like bqx.bqx)', p_schema, p_name)
       || coalesce(' partition by ' || p_partition_by, '');
  select pg_catalog.string_agg(pg_catalog.format('alter column %I set statistics %s', a.attname, a.attstattarget), ', '
                               order by a.attnum)
    into v_targets
    from pg_catalog.pg_attribute a
   where a.attrelid = 'bqx.bqx'::regclass and a.attnum > 0 and not a.attisdropped and a.attstattarget >= 0;
  if v_targets is not null then
    execute pg_catalog.format('alter table %I.%I ', p_schema, p_name) || v_targets;
  end if;
end;
$$;

comment on function bqx_internal.create_like_bqx(text, text, text) is
  'internal: create table p_schema.p_name (like bqx.bqx) [partition by p_partition_by] with the per-column statistics targets of bqx.bqx (which LIKE does not copy).';
