-- CALL bqx.backfill(pair, month): one pair-month computed and stored, and every kind of
-- bad argument refused with a message naming the argument, DETAIL, HINT and SQLSTATE
-- (printed by \echo :LAST_ERROR_SQLSTATE), changing nothing.
update bqx.settings set value = 'sql' where key = 'engine';
-- a bulk load: the live trigger stays out of it
set bqx.live = 'off';
-- EURUSD: the last 100 minutes of June 2024 and the first 200 of July, one bad bar
insert into bqx.m1 (pair, ts_utc, rate)
select 'EURUSD', '2024-06-30 22:20:00Z'::timestamptz + g * interval '1 minute',
       case when g = 150 then 0 else 1.08 + 0.0001 * (g % 7) end
  from generate_series(0, 299) g;
call bqx.backfill('EURUSD', '2024-07');
-- lower case names the same pair; a second run stores the same rows
call bqx.backfill('eurusd', '2024-07');
select count(*) as rows, count(w75_bqx_return) as full_windows from bqx.bqx_eurusd_2024_07;
-- NULL arguments
call bqx.backfill(null, '2024-07');
\echo :LAST_ERROR_SQLSTATE
call bqx.backfill('EURUSD', null);
\echo :LAST_ERROR_SQLSTATE
-- a pair that is not six letters, and one that is not registered
call bqx.backfill('EUR/USD', '2024-07');
\echo :LAST_ERROR_SQLSTATE
call bqx.backfill('XXXYYY', '2024-07');
\echo :LAST_ERROR_SQLSTATE
-- months not written YYYY-MM
call bqx.backfill('EURUSD', '24-07');
\echo :LAST_ERROR_SQLSTATE
call bqx.backfill('EURUSD', '2024-7');
\echo :LAST_ERROR_SQLSTATE
-- months out of range
call bqx.backfill('EURUSD', '2024-13');
\echo :LAST_ERROR_SQLSTATE
call bqx.backfill('EURUSD', '2024-00');
\echo :LAST_ERROR_SQLSTATE
-- a pair-month without a single source bar
call bqx.backfill('EURUSD', '2023-01');
\echo :LAST_ERROR_SQLSTATE
-- nothing changed: the one stored month, no other leaf
select count(*) as rows from bqx.bqx;
select c.relname from pg_class c join pg_inherits i on i.inhrelid = c.oid
 where i.inhparent = 'bqx.bqx_eurusd'::regclass order by 1;
