-- bqx.enqueue(pairs, from_month, to_month, force): one job per pair-month in bqx.jobs,
-- idempotent; a failed job is reset, a done job only with force; bad arguments refused.
select bqx.enqueue(array['eurusd', 'GBPJPY'], '2024-11', '2025-01') as added;
select pair, month, month_start, month_end, status, attempts from bqx.jobs order by month, pair;
-- again: nothing new
select bqx.enqueue(array['EURUSD', 'GBPJPY'], '2024-11', '2025-01') as added;
-- NULL pairs = every registered pair (28): only the 26 others are new
select bqx.enqueue(null, '2024-11', '2024-11') as added;
select count(*) as jobs, count(distinct pair) as pairs from bqx.jobs;
-- a failed job is reset to pending, a done one only with force; running jobs never
update bqx.jobs set status = 'failed', attempts = 3, last_sqlstate = 'P0002', last_error = 'no source bars'
 where pair = 'EURUSD' and month = '2024-11';
update bqx.jobs set status = 'done', attempts = 1, rows_written = 100
 where pair = 'EURUSD' and month = '2024-12';
select bqx.enqueue(array['EURUSD'], '2024-11', '2024-12') as added;
select pair, month, status, attempts, rows_written, last_sqlstate from bqx.jobs
 where pair = 'EURUSD' order by month;
select bqx.enqueue(array['EURUSD'], '2024-11', '2024-12', force => true) as added;
select pair, month, status, attempts, rows_written from bqx.jobs where pair = 'EURUSD' order by month;
-- bad arguments
select bqx.enqueue(array['XXXYYY'], '2024-07', '2024-07');
\echo :LAST_ERROR_SQLSTATE
select bqx.enqueue(array[]::text[], '2024-07', '2024-07');
\echo :LAST_ERROR_SQLSTATE
select bqx.enqueue(null, '2024-09', '2024-07');
\echo :LAST_ERROR_SQLSTATE
select bqx.enqueue(null, '2024-13', '2024-07');
\echo :LAST_ERROR_SQLSTATE
select bqx.enqueue(null, '24-07', '2024-07');
\echo :LAST_ERROR_SQLSTATE
select bqx.enqueue(null, null, '2024-07');
\echo :LAST_ERROR_SQLSTATE
select bqx.enqueue(null, '2024-07', '2024-07', null);
\echo :LAST_ERROR_SQLSTATE
-- and nothing was queued by them
select count(*) as jobs from bqx.jobs;
