-- select bqx.schedule(6): pg_cron workers bqx-worker-1 .. bqx-worker-N, each firing every
-- minute with CALL bqx.work(...) as its only statement. A run stops claiming jobs after
-- max_seconds (below 60, so runs do not queue up behind each other: pg_cron runs one
-- instance of a job at a time); an idle run costs one query. The last worker to find the
-- queue drained unschedules them all.
create or replace function bqx.schedule(
  workers              integer default 6,
  max_seconds          integer default 50,
  unschedule_when_done boolean default true
) returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_max integer := coalesce(pg_catalog.current_setting('cron.max_running_jobs', true), '32')::integer;
  i     integer;
begin
  perform bqx_internal.require_cron('run the workers from Node: bqx backfill --via node.');
  if workers is null or workers < 1 or workers > v_max then
    perform bqx_internal.raise_error('22023',
      pg_catalog.format('workers must be between 1 and %s, got %s', v_max, coalesce(workers::text, 'NULL')),
      'The upper bound is cron.max_running_jobs; each worker is one connection.',
      'The seed used 6: SELECT bqx.schedule(6).');
  end if;
  if max_seconds is null or max_seconds < 1 or max_seconds > 3600 then
    perform bqx_internal.raise_error('22023',
      pg_catalog.format('max_seconds must be between 1 and 3600, got %s', coalesce(max_seconds::text, 'NULL')),
      'A worker run stops claiming jobs after max_seconds; below 60 keeps runs from queuing up.',
      'Leave the default 50.');
  end if;
  for i in 1 .. workers loop
    perform cron.schedule('bqx-worker-' || i, '* * * * *',
      pg_catalog.format('CALL bqx.work(max_seconds => %s, worker => %L, unschedule_when_done => %s)',
        max_seconds, 'bqx-worker-' || i, case when unschedule_when_done then 'true' else 'false' end));
  end loop;
  -- fewer workers than before: remove the extra ones
  perform cron.unschedule(c.jobid)
     from cron.job c
    where c.jobname ~ '^bqx-worker-[0-9]+$'
      and pg_catalog.substr(c.jobname, 12)::integer > workers;
  return workers;
end;
$$;

comment on function bqx.schedule(integer, integer, boolean) is
  'Start pg_cron workers bqx-worker-1..N (every minute, CALL bqx.work(max_seconds => 50, ...)) that drain the queue filled by bqx.enqueue; with unschedule_when_done they remove themselves once nothing is pending or running. Returns the number of workers. Needs pg_cron in this database (55000 otherwise).';
