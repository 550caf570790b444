-- How long a backfill may wait for its locks: until the instant in setting
-- bqx.lock_deadline (bqx.work sets it from max_seconds for each job), else 5 minutes
-- from now. Past it, bqx_internal.lock_month and bqx_internal.lock_relation give up
-- with 55P03 instead of waiting on.
create or replace function bqx_internal.lock_deadline()
returns timestamptz
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_set text := pg_catalog.current_setting('bqx.lock_deadline', true);
begin
  if coalesce(v_set, '') <> '' then
    return v_set::timestamptz;
  end if;
  return pg_catalog.clock_timestamp() + interval '5 minutes';
end;
$$;

comment on function bqx_internal.lock_deadline() is
  'internal: the instant until which a backfill waits for its locks (setting bqx.lock_deadline, else now + 5 minutes).';
