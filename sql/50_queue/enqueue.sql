-- select bqx.enqueue(null, '2024-07', '2025-06'): one job per pair-month.
-- Idempotent: an existing job is left alone, except that a failed job is reset to
-- pending (its cause may have been fixed), and with force a done job is re-run too.
-- Running jobs are never touched.
-- The partitions bqx.bqx_<pair> of the queued pairs are created here, in the caller's
-- short transaction, not by each pair's first job: attaching one holds a lock on bqx.bqx
-- that the first jobs of the other pairs would otherwise queue behind until it commits.
create or replace function bqx.enqueue(
  pairs      text[],
  from_month text,
  to_month   text,
  force      boolean default false
) returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_from   record := bqx_internal.parse_month(from_month);
  v_to     record := bqx_internal.parse_month(to_month);
  v_pairs  text[];
  v_count  integer;
  v_queued text[];
begin
  if v_from.month_start > v_to.month_start then
    perform bqx_internal.raise_error('22023',
      pg_catalog.format('from_month %s is after to_month %s', from_month, to_month),
      'bqx.enqueue(pairs, from_month, to_month) enqueues every month from from_month to to_month, both included.',
      'Swap the two months.');
  end if;
  if force is null then
    perform bqx_internal.raise_error('22004', 'force must not be NULL', null, 'Pass true or false.');
  end if;
  if enqueue.pairs is null then
    select pg_catalog.array_agg(p.pair order by p.pair) into v_pairs from bqx.pairs p;
  elsif pg_catalog.cardinality(enqueue.pairs) = 0 then
    perform bqx_internal.raise_error('22023', 'pairs must not be empty',
      'pairs is an array of registered pairs, or NULL for every pair in bqx.pairs.',
      'For example ARRAY[''EURUSD'',''GBPJPY''], or NULL.');
  else
    select pg_catalog.array_agg(distinct bqx_internal.check_pair(p)) into v_pairs
      from pg_catalog.unnest(enqueue.pairs) as u (p);
  end if;

  with queued as (
    insert into bqx.jobs as j (pair, month, month_start, month_end)
    select p.pair, m.month, b.month_start, b.month_end
      from pg_catalog.unnest(v_pairs) as p (pair)
     cross join lateral (
           select pg_catalog.to_char(pg_catalog.make_date(i / 12, i % 12 + 1, 1), 'YYYY-MM') as month
             from pg_catalog.generate_series(
                    (pg_catalog.substr(from_month, 1, 4)::integer * 12 + pg_catalog.substr(from_month, 6, 2)::integer - 1),
                    (pg_catalog.substr(to_month, 1, 4)::integer * 12 + pg_catalog.substr(to_month, 6, 2)::integer - 1)) as g (i)
           ) m
     cross join lateral bqx_internal.parse_month(m.month) b
     order by b.month_start, p.pair
    on conflict (pair, month) do update
       set status = 'pending', attempts = 0, rows_written = null, bad_bars = null, engine = null,
           enqueued_at = pg_catalog.now(), started_at = null, finished_at = null, duration = null,
           worker = null, worker_pid = null, last_sqlstate = null, last_error = null
     where j.status = 'failed' or (enqueue.force and j.status = 'done')
    returning j.pair)
  select pg_catalog.count(*), pg_catalog.array_agg(distinct q.pair) into v_count, v_queued from queued q;
  perform bqx_internal.ensure_pair_partition(p.pair)
     from pg_catalog.unnest(v_queued) as p (pair)
    order by p.pair;
  return v_count;
end;
$$;

comment on function bqx.enqueue(text[], text, text, boolean) is
  'Queue one backfill job per pair-month: pairs (NULL = every pair in bqx.pairs), months from_month..to_month (YYYY-MM, both included). Idempotent; failed jobs are reset, done jobs only with force. Creates the partitions of the queued pairs. Returns the number of jobs added or reset. Run them with CALL bqx.work() or bqx.schedule().';
