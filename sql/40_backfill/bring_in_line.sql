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
  -- the keys of gone bars as an EXCEPT (hashed, one pass over each side), then deleted
  -- by key: a NOT EXISTS anti-join would be planned as a nested loop over the stage
  -- whenever the target has no statistics yet (a leaf attached moments ago), one scan of
  -- the stage per stored row
  execute pg_catalog.format(
    'delete from %1$s l where l.pair = $1 and l.ts_utc in ('
    'select g.ts_utc from %1$s g where g.pair = $1 and g.ts_utc >= $2 and g.ts_utc < $3 '
    'except select s.ts_utc from bqx_internal.%2$I s)', p_target, p_stage)
    using p_pair, p_from, p_to;
  select pg_catalog.string_agg(pg_catalog.format('%I = excluded.%I', a.attname, a.attname), ', ' order by a.attnum)
    into v_set
    from pg_catalog.pg_attribute a
   where a.attrelid = p_target::regclass and a.attnum > 0 and not a.attisdropped
     and a.attname not in ('pair', 'ts_utc');
  -- only new rows and rows whose values differ reach the upsert: found by a join on the
  -- key, since ON CONFLICT DO UPDATE locks every row it meets (a re-run over unchanged
  -- bars would otherwise lock and dirty every row of the month: ~0.24 s of a 0.43 s
  -- PLV8 re-run, against ~0.06 s for the join)
  execute pg_catalog.format(
    'insert into %1$s as l select s.* from bqx_internal.%2$I s '
    'left join %1$s t on t.pair = $1 and t.ts_utc = s.ts_utc and t.ts_utc >= $2 and t.ts_utc < $3 '
    'where (t.*) is distinct from (s.*) '
    'on conflict (pair, ts_utc) do update set %3$s',
    p_target, p_stage, v_set)
    using p_pair, p_from, p_to;
end;
$$;

comment on function bqx_internal.bring_in_line(text, text, text, timestamptz, timestamptz) is
  'internal: make the rows of p_pair in [p_from, p_to) of table p_target equal the stage table bqx_internal.<p_stage> in place (delete gone rows, insert new ones, update only rows that differ).';
