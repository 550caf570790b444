-- bqx.verify(pair, month, sample_size): one row per check of a stored pair-month; a
-- sample_size above the month's row count recomputes every row (deterministic here).
update bqx.settings set value = 'sql' where key = 'engine';
set bqx.live = 'off';
-- USDJPY: 300 minutes ending in July 2024, the first 100 in June, one bad bar in July
insert into bqx.m1 (pair, ts_utc, rate)
select 'USDJPY', '2024-06-30 22:20:00Z'::timestamptz + g * interval '1 minute',
       case when g = 150 then 'NaN'::float8 else 161.5 + 0.01 * ((g * 7) % 13) end
  from generate_series(0, 299) g;
call bqx.backfill('USDJPY', '2024-06');
call bqx.backfill('USDJPY', '2024-07');
-- June holds the start of the pair's history: its first 75 rows have NULLs, and only those
select "check", ok, expected, actual, detail from bqx.verify('USDJPY', '2024-06', 1000);
select "check", ok, expected, actual, detail from bqx.verify('USDJPY', '2024-07', 1000);
-- a month never backfilled
select "check", ok, actual, detail from bqx.verify('USDJPY', '2024-08', 0) where "check" = 'partition';
-- damage: a stored value off by 1e-6, a row deleted
update bqx.bqx_usdjpy_2024_07 set w15_bqx_max = w15_bqx_max + 1e-6 where ts_utc = '2024-07-01 01:00:00Z';
delete from bqx.bqx_usdjpy_2024_07 where ts_utc = '2024-07-01 02:00:00Z';
select "check", ok, expected, actual, detail from bqx.verify('USDJPY', '2024-07', 1000) where not ok;
-- a source rate changed after the backfill: that row's rate and the windows of the 75 rows
-- after it no longer match
update bqx.m1 set rate = 161.65 where pair = 'USDJPY' and ts_utc = '2024-07-01 03:00:00Z';
select "check", ok, expected, actual from bqx.verify('USDJPY', '2024-07', 1000) where not ok;
-- bad arguments
select * from bqx.verify('USDJPY', '2024-07', -1);
\echo :LAST_ERROR_SQLSTATE
select * from bqx.verify('XXXYYY', '2024-07');
\echo :LAST_ERROR_SQLSTATE
select * from bqx.verify('USDJPY', '2024-7');
\echo :LAST_ERROR_SQLSTATE
