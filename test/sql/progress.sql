-- Progress in SQL while the queue drains: bqx.progress (overall), bqx.progress_by_pair,
-- bqx.recent_jobs, bqx.failed_jobs. Only the columns that do not depend on timing are
-- selected (elapsed, rows_per_sec, eta, seconds and worker names do).
update bqx.settings set value = 'sql' where key = 'engine';
set bqx.live = 'off';
-- EURUSD and GBPJPY: every minute of 2024-07-29 .. 2024-08-02 (Monday to Friday); AUDCAD none
insert into bqx.m1 (pair, ts_utc, rate)
select p.pair, '2024-07-29 00:00:00Z'::timestamptz + g * interval '1 minute',
       p.base + 0.0001 * ((g * 5) % 11)
  from (values ('EURUSD', 1.08), ('GBPJPY', 205.0)) p (pair, base)
 cross join generate_series(0, 5 * 1440 - 1) g;
select bqx.enqueue(array['EURUSD', 'GBPJPY', 'AUDCAD'], '2024-07', '2024-08') as added;
select jobs_total, jobs_pending, jobs_running, jobs_done, jobs_failed, pct, rows_written, bad_bars, attempts, eta
  from bqx.progress;
select * from bqx.progress_by_pair order by pair;
-- drain the queue in this session (AUDCAD's months have no bars: tried 3 times, failed)
call bqx.work();
select jobs_total, jobs_pending, jobs_running, jobs_done, jobs_failed, pct, rows_written, bad_bars, attempts, eta
  from bqx.progress;
select * from bqx.progress_by_pair order by pair;
select pair, month, status, rows_written, bad_bars, attempts, engine, last_sqlstate
  from bqx.recent_jobs order by pair, month;
select pair, month, attempts, last_sqlstate, last_error from bqx.failed_jobs;
select pair, rows_total, null_rows, misplaced_null_rows, first_null_ts, last_null_ts, bad_bars
  from bqx.data_quality() where rows_total > 0 order by pair;
-- what a driver reads (bqx status, bqx backfill's live view): the same views in one
-- statement, as JSON; here for two pairs, without the timing fields
\pset format unaligned
select pg_catalog.jsonb_pretty(s::jsonb #- '{overall,elapsedSeconds}' #- '{overall,rowsPerSec}' #- '{overall,etaSeconds}') as snapshot
  from bqx_internal.progress_snapshot(array['EURUSD', 'AUDCAD']) s;
\pset format aligned
