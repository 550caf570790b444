-- The contract's time range (README, Data contract): a bar's ts_utc lies in
-- [1900-01-01 00:00 UTC, 2200-01-01 00:00 UTC). bqx.m1 refuses others, so no import,
-- feed or hand-written INSERT can store a mis-dated bar (a year 0024 read as 1924, a
-- year 10000 that breaks the month arithmetic). A database already holding such bars
-- stops here with a message saying which: delete them, then migrate again.

-- Up Migration
do $$
declare
  v_count bigint;
  v_first text;
begin
  select pg_catalog.count(*), pg_catalog.min(m.pair || ' ' || m.ts_utc::text)
    into v_count, v_first
    from bqx.m1 m
   where not (m.ts_utc >= '1900-01-01 00:00:00+00' and m.ts_utc < '2200-01-01 00:00:00+00');
  if v_count > 0 then
    raise exception using errcode = '23514',
      message = pg_catalog.format('bqx.m1 holds %s bars outside [1900-01-01, 2200-01-01) UTC', v_count),
      detail = pg_catalog.format('For example %s.', v_first),
      hint = 'DELETE FROM bqx.m1 WHERE ts_utc < ''1900-01-01Z'' OR ts_utc >= ''2200-01-01Z''; then run bqx migrate again.';
  end if;
end $$;

alter table bqx.m1 add constraint m1_ts_utc_range
  check (ts_utc >= '1900-01-01 00:00:00+00' and ts_utc < '2200-01-01 00:00:00+00');
comment on constraint m1_ts_utc_range on bqx.m1 is
  'A bar''s time lies in [1900-01-01, 2200-01-01) UTC (README, Data contract).';
comment on table bqx.m1 is
  'One-minute bars: pair, bar time (UTC instant in [1900-01-01, 2200-01-01)), rate (close or mid). Bad rates (NULL, NaN, Infinity, outside [1e-9, 1e9]) are kept but ignored by every computation.';

-- Down Migration
alter table bqx.m1 drop constraint m1_ts_utc_range;
comment on table bqx.m1 is
  'One-minute bars: pair, bar time (UTC instant), rate (close or mid). Bad rates (NULL, NaN, Infinity, <= 0) are kept but ignored by every computation.';
