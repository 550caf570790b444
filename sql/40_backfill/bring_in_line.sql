-- Bring the rows of p_pair in [p_from, p_to) of table p_target in line with the stage
-- table bqx_internal.<p_stage> (the month as just computed), in place: rows whose bar is
-- gone are deleted, new rows inserted, and only rows whose values differ are updated, so
-- a re-run over unchanged bars writes nothing (no dead tuples, no index churn). Needs
-- ROW EXCLUSIVE on the target only: readers keep reading the old rows until COMMIT.
-- The target is a month leaf (bqx_internal.write_month) or, in Citus mode, the worker's
-- shard of bqx.bqx (bqx_internal.shard_write_month); the SET list is every column but
-- the key, read from the target itself. Arguments are trusted (p_target a qualified,
-- quoted name).
create or replace function bqx_internal.bring_in_line(
  p_target text,
  p_stage  text,
  p_pair   text,
  p_from   timestamptz,
  p_to     timestamptz
) returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_set text;
begin
  execute pg_catalog.format(
    'delete from %s l where l.pair = $1 and l.ts_utc >= $2 and l.ts_utc < $3 '
    'and not exists (select from bqx_internal.%I s where s.ts_utc = l.ts_utc)', p_target, p_stage)
    using p_pair, p_from, p_to;
  select pg_catalog.string_agg(pg_catalog.format('%I = excluded.%I', a.attname, a.attname), ', ' order by a.attnum)
    into v_set
    from pg_catalog.pg_attribute a
   where a.attrelid = p_target::regclass and a.attnum > 0 and not a.attisdropped
     and a.attname not in ('pair', 'ts_utc');
  execute pg_catalog.format(
    'insert into %1$s as l select * from bqx_internal.%2$I '
    'on conflict (pair, ts_utc) do update set %3$s where (l.*) is distinct from (excluded.*)',
    p_target, p_stage, v_set);
end;
$$;

comment on function bqx_internal.bring_in_line(text, text, text, timestamptz, timestamptz) is
  'internal: make the rows of p_pair in [p_from, p_to) of table p_target equal the stage table bqx_internal.<p_stage> in place (delete gone rows, insert new ones, update only rows that differ).';
