-- bqx.verify('EURUSD', '2019-07'): checks one backfilled pair-month against the source
-- and the contract. One row per check; ok = false is a failure.
--   partition          the month's leaf bqx.bqx_<pair>_<yyyy>_<mm> exists (backfilled);
--                      in Citus mode: the month has rows in the pair's shard of bqx.bqx
--   row_count          stored rows = good source bars of the month
--   no_orphan_rows     no stored row without a good source bar at its instant
--   rate_matches       each row's rate equals its source bar's rate
--   nulls_history_only NULLs exactly where fewer than W good bars precede the bar in the
--                      pair's whole history (only its first 75 bars), not at month starts
--   finite             no NaN or +-Infinity stored
--   sample_recompute   sample_size random rows recomputed by the direct two-pass formula
--                      (bqx_internal.verify_direct) within |a-b| <= 1e-12 + 1e-9 |b|
create or replace function bqx.verify(
  pair        text,
  month       text,
  sample_size integer default 200
) returns table ("check" text, ok boolean, expected text, actual text, detail text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_pair   text := bqx_internal.check_pair(verify.pair);
  v_bounds record;
  v_leaf   text;
  v_rows   record;
  v_nulls  record;
  v_finite record;
  v_sample record;
begin
  select * into v_bounds from bqx_internal.parse_month(verify.month);
  if sample_size is null or sample_size < 0 then
    perform bqx_internal.raise_error('22023', pg_catalog.format('invalid sample_size %s', coalesce(sample_size::text, 'NULL')),
      'sample_size is the number of random rows recomputed by the direct formula; it must be 0 or more.',
      'For example: SELECT * FROM bqx.verify(''EURUSD'', ''2019-07'', 200);');
  end if;
  if bqx_internal.citus_mode() and bqx_internal.citus_source_shard() is null then
    -- Citus mode, on the coordinator: verify on the worker holding the pair
    return query select * from bqx_internal.shard_verify(v_pair, verify.month, sample_size);
    return;
  end if;
  v_leaf := bqx_internal.citus_month_leaf(v_pair, v_bounds.month_start, v_bounds.month_end);

  select * into v_rows   from bqx_internal.verify_rows(v_pair, v_bounds.month_start, v_bounds.month_end);
  select * into v_nulls  from bqx_internal.verify_nulls(v_pair, v_bounds.month_start, v_bounds.month_end);
  select * into v_finite from bqx_internal.verify_finite(v_pair, v_bounds.month_start, v_bounds.month_end);
  select * into v_sample from bqx_internal.verify_sample(v_pair, v_bounds.month_start, v_bounds.month_end, sample_size);

  return query values
    ('partition',
     pg_catalog.to_regclass(pg_catalog.format('bqx.%I', v_leaf)) is not null,
     'bqx.' || v_leaf,
     case when pg_catalog.to_regclass(pg_catalog.format('bqx.%I', v_leaf)) is not null then 'exists' else 'missing' end,
     case when pg_catalog.to_regclass(pg_catalog.format('bqx.%I', v_leaf)) is not null then ''
          else pg_catalog.format('not backfilled: CALL bqx.backfill(%L, %L)', v_pair, verify.month) end),
    ('row_count',
     v_rows.stored = v_rows.source_good,
     v_rows.source_good::text,
     v_rows.stored::text,
     pg_catalog.format('%s good source bars (%s bad bars left out); %s without a row%s',
       v_rows.source_good, v_rows.source_bad, v_rows.missing,
       case when v_rows.first_missing is null then ''
            else ', first at ' || bqx_internal.bar_label(v_rows.first_missing) end)),
    ('no_orphan_rows',
     v_rows.orphans = 0,
     '0',
     v_rows.orphans::text,
     case when v_rows.orphans = 0 then 'every row has a good source bar'
          else 'rows without a good source bar, first at '
               || bqx_internal.bar_label(v_rows.first_orphan) end),
    ('rate_matches',
     v_rows.rate_differs = 0,
     '0',
     v_rows.rate_differs::text,
     case when v_rows.rate_differs = 0 then 'every row''s rate equals its source bar''s rate'
          else 'rows whose rate differs from the source bar (source changed since the backfill?), first at '
               || bqx_internal.bar_label(v_rows.first_rate) end),
    ('nulls_history_only',
     v_nulls.wrong_rows = 0,
     '0',
     v_nulls.wrong_rows::text,
     pg_catalog.format('%s rows with NULLs; %s good bars of history before the month (75 = full windows)%s',
       v_nulls.rows_with_nulls, v_nulls.history_before,
       case when v_nulls.first_wrong is null then ''
            else '; first wrong row at ' || bqx_internal.bar_label(v_nulls.first_wrong) end)),
    ('finite',
     v_finite.bad_rows = 0,
     '0',
     v_finite.bad_rows::text,
     case when v_finite.bad_rows = 0 then 'no NaN or Infinity'
          else 'rows with NaN or Infinity, first at '
               || bqx_internal.bar_label(v_finite.first_bad) end),
    ('sample_recompute',
     v_sample.mismatches = 0,
     '0',
     v_sample.mismatches::text,
     pg_catalog.format('%s rows, %s cells recomputed by the direct formula (tolerance 1e-12 + 1e-9 |b|)%s',
       v_sample.bars, v_sample.cells,
       case when v_sample.mismatches = 0 then '' else '; ' || v_sample.examples end));
end;
$$;

comment on function bqx.verify(text, text, integer) is
  'Check a backfilled pair-month (month ''YYYY-MM'', UTC): partition exists, row count = good source bars, no orphan rows, rates match, NULLs only in the first 75 bars of history, no NaN/Infinity, sample_size random rows recomputed by the direct formula within the spec tolerance. One row per check (check, ok, expected, actual, detail).';
