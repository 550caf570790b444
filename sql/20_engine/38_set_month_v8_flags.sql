-- Size PLV8's V8 heap for computing months, in a backend where PLV8 has not started yet.
-- A month writer (bqx_internal.write_month, Citus's shard_write_month) calls this before
-- anything can start PLV8 (current_engine's probe, fill_stage) and puts the returned
-- setting back after fill_stage.
--
-- Why: PLV8 3.1.10 creates its V8 isolate for a 256 MB memory limit, for which V8 picks a
-- young generation of well under 1 MB, and a month's kernel call allocates ~5 MB of
-- short-lived numbers (every element PLV8 reads out of a returned array is one): ~12
-- scavenges and a mark-sweep per month, each copying numbers still held by the output
-- arrays. With 16 MB semi-spaces a month is at most one scavenge (V8's --trace-gc: 146
-- scavenges and 12 mark-sweeps over 12 months, 333 ms, became 6 and 3, 100 ms), and the
-- backend's CPU per new month fell 15-20% (alternating backends, one month at a time:
-- 391/415 ms -> 305/328 ms); the full workload went from 155-181k to 209-229k rows/s,
-- alternating runs in one session. The price is ~25 MB more memory in each backend that
-- computes months with PLV8 (its V8 heap after one month: 39 MB instead of 14 MB).
--
-- V8 reads plv8.v8_flags once, when PLV8 is loaded into a backend, so this only matters
-- before that: in a session that used PLV8 first, V8 keeps the flags it started with.
-- The flags go first, so flags of the caller's own plv8.v8_flags (an administrator's
-- setting) come after them and win. Set for the current transaction; returns the
-- previous value (NULL: none) for pg_catalog.set_config('plv8.v8_flags', <it>, true).
-- Without PLV8 installed the setting is a placeholder nothing reads.
create or replace function bqx_internal.set_month_v8_flags()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_previous text := pg_catalog.current_setting('plv8.v8_flags', true);
begin
  perform pg_catalog.set_config('plv8.v8_flags',
    pg_catalog.concat_ws(' ', '--min-semi-space-size=16 --max-semi-space-size=16', nullif(v_previous, '')), true);
  return v_previous;
end;
$$;

comment on function bqx_internal.set_month_v8_flags() is
  'internal: before a month writer can start PLV8 in this backend, set plv8.v8_flags (for the transaction) to 16 MB V8 semi-spaces followed by the caller''s own flags; returns the previous value to put back. V8 reads the flags only when PLV8 starts in a backend.';
