-- Stored rows of a pair-month holding NaN or +-Infinity in any double precision column.
-- In Postgres NaN sorts above Infinity, and GREATEST/LEAST skip NULLs: GREATEST over
-- the columns is NaN or Infinity, or LEAST is -Infinity, exactly when one is not finite.
create or replace function bqx_internal.verify_finite(
  p_pair text,
  p_from timestamptz,
  p_to   timestamptz,
  out bad_rows  bigint,
  out first_bad timestamptz
)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_cols text;
begin
  select pg_catalog.string_agg(pg_catalog.format('b.%I', a.attname), ', ' order by a.attnum)
    into v_cols
    from pg_catalog.pg_attribute a
   where a.attrelid = 'bqx.bqx'::regclass and a.attnum > 0 and not a.attisdropped
     and a.atttypid = 'pg_catalog.float8'::regtype;
  execute pg_catalog.format($q$
    select pg_catalog.count(*), pg_catalog.min(b.ts_utc)
      from bqx.bqx b
     where b.pair = $1 and b.ts_utc >= $2 and b.ts_utc < $3
       and (greatest(%1$s) in ('NaN'::double precision, 'Infinity'::double precision)
            or least(%1$s) = '-Infinity'::double precision)
  $q$, v_cols)
  into bad_rows, first_bad
  using p_pair, p_from, p_to;
end;
$$;

comment on function bqx_internal.verify_finite(text, timestamptz, timestamptz) is
  'internal: for bqx.verify, the stored rows of a pair in [p_from, p_to) with NaN or +-Infinity in any double precision column.';
