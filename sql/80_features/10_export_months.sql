-- The stored pair-months of a range, as `bqx export` needs them: one row per month leaf
-- bqx.bqx_<pair>_<yyyy>_<mm> that exists, with its row count, first and last bar, and a
-- stamp that changes whenever the stored month changes.
--
-- The stamp is derived from the rows themselves, so no write path has to maintain it:
--   <leaf oid>-<row count>-<XOR of a 64-bit hash of (ctid, xmin) over the rows>
-- * a backfill swaps in a new leaf: a new table, hence a new oid;
-- * live mode inserts, updates or deletes rows: every row version a committed
--   transaction writes has that transaction's xmin and a ctid no live row had, so the
--   set of (ctid, xmin) pairs changes (and the count with inserts and deletes);
-- * VACUUM and VACUUM FREEZE change nothing: live tuples stay where they are and, since
--   PostgreSQL 9.4, freezing sets a flag and keeps xmin readable.
-- A rewrite of unchanged rows (VACUUM FULL, CLUSTER) moves ctids: the month is then
-- exported again, needlessly but harmlessly. The stamp is read in the caller's snapshot:
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
              pg_catalog.to_hex(coalesce(pg_catalog.bit_xor(
                pg_catalog.hashtextextended(l.ctid::text || ''/'' || l.xmin::text, 0)), 0))
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
  'The stored pair-months of pairs (NULL = all registered) in [p_from, p_to] (YYYY-MM) with row count, first and last bar, and a stamp that changes whenever the month''s rows change (leaf oid, count, XOR of hashed (ctid, xmin)); P0002 when there is none.';
