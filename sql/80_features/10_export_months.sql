-- The stored pair-months of a range, as `bqx export` needs them: one row per month leaf
-- bqx.bqx_<pair>_<yyyy>_<mm> that exists, with its row count, first and last bar, and a
-- stamp that changes whenever the stored month changes.
--
-- The stamp is derived from the rows themselves, so no write path has to maintain it:
--   <leaf oid>-<row count>-<sum of the rows' xmin>
-- * a first backfill attaches a new leaf: a new table, hence a new oid;
-- * a re-run of a backfill that changes rows, or live mode inserting, updating or
--   deleting rows: every row version a transaction writes carries that transaction's
--   xmin, newer than the xmin of the rows it replaces, so the sum moves (and the count
--   with inserts and deletes); a re-run that changes no row writes nothing: same stamp;
-- * VACUUM, VACUUM FREEZE, VACUUM FULL and CLUSTER change nothing: since PostgreSQL 9.4
--   freezing sets a flag and keeps xmin readable, and a rewrite keeps it.
-- Summing xmin costs ~1 ms per month (hashing each row's ctid and xmin as text cost
-- ~50 ms, a third of the export's overhead). The stamp is read in the caller's snapshot:
-- call it in the same REPEATABLE READ transaction as the COPY that writes the file, and
-- the stamp describes exactly the rows written.
create or replace function bqx.export_months(
  p_pairs text[],
  p_from  text,
  p_to    text
) returns table (pair text, month text, row_count bigint, first_ts timestamptz, last_ts timestamptz, stamp text)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_pairs  text[] := case when p_pairs is null
                          then (select pg_catalog.array_agg(p.pair order by p.pair) from bqx.pairs p)
                          else (select pg_catalog.array_agg(distinct bqx_internal.check_pair(x)) from pg_catalog.unnest(p_pairs) x) end;
  v_first  timestamptz := (bqx_internal.parse_month(p_from)).month_start;
  v_last   timestamptz := (bqx_internal.parse_month(p_to)).month_start;
  v_target record;
  v_leaf   regclass;
  v_found  boolean := false;
begin
  if v_first > v_last then
    perform bqx_internal.raise_error('22023', pg_catalog.format('from month %s is after to month %s', p_from, p_to),
      'The range is empty: --from must not be later than --to.', 'Swap the two months.');
  end if;

  for v_target in
    select t.pair, g.m at time zone 'UTC' as month_start
      from pg_catalog.unnest(v_pairs) as t (pair)
     cross join pg_catalog.generate_series(v_first at time zone 'UTC', v_last at time zone 'UTC', interval '1 month') as g (m)
     order by 1, 2
  loop
    v_leaf := pg_catalog.to_regclass('bqx.' || pg_catalog.quote_ident(bqx_internal.leaf_name(v_target.pair, v_target.month_start)));
    continue when v_leaf is null;
    v_found := true;
    pair  := v_target.pair;
    month := pg_catalog.to_char(v_target.month_start at time zone 'UTC', 'YYYY-MM');
    execute pg_catalog.format(
      'select pg_catalog.count(*), pg_catalog.min(l.ts_utc), pg_catalog.max(l.ts_utc),
              coalesce(pg_catalog.sum(l.xmin::text::bigint), 0)::text
         from %s l', v_leaf)
      into row_count, first_ts, last_ts, stamp;
    stamp := v_leaf::oid::text || '-' || row_count || '-' || stamp;
    return next;
  end loop;

  if not v_found then
    perform bqx_internal.raise_error('P0002',
      pg_catalog.format('nothing to export: no stored month of %s in %s..%s',
        coalesce(pg_catalog.array_to_string(v_pairs, ','), 'no pair'), p_from, p_to),
      'No month leaf bqx.bqx_<pair>_<yyyy>_<mm> of these pairs exists in the range.',
      'Backfill first (bqx backfill --pairs ... --from ... --to ...), or widen the range.');
  end if;
end;
$$;

comment on function bqx.export_months(text[], text, text) is
  'The stored pair-months of pairs (NULL = all registered) in [p_from, p_to] (YYYY-MM) with row count, first and last bar, and a stamp that changes whenever the month''s rows change (leaf oid, count, sum of the rows'' xmin); P0002 when there is none.';
