-- The pair-months `bqx verify` checks: every backfilled pair-month (a leaf
-- bqx.bqx_<pair>_<yyyy>_<mm> exists; in Citus mode: the month has rows) of the given pairs (NULL = all) between p_from and
-- p_to (NULL = no bound), plus, when both bounds are given, every registered pair-month
-- in the range that has good source bars but was never backfilled (verify then fails
-- its 'partition' and 'row_count' checks).
create or replace function bqx_internal.verify_targets(
  p_pairs text[],
  p_from  text,
  p_to    text
) returns table (pair text, month text)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_pairs text[];
  v_from  timestamptz;
  v_to    timestamptz;
begin
  if p_pairs is not null then
    select pg_catalog.array_agg(bqx_internal.check_pair(x)) into v_pairs from pg_catalog.unnest(p_pairs) x;
  end if;
  if p_from is not null then v_from := (bqx_internal.parse_month(p_from)).month_start; end if;
  if p_to is not null then v_to := (bqx_internal.parse_month(p_to)).month_start; end if;
  if v_from > v_to then
    perform bqx_internal.raise_error('22023', pg_catalog.format('from month %s is after to month %s', p_from, p_to),
      null, 'Swap the two months.');
  end if;

  return query execute pg_catalog.format($q$
    with leaves as (%1$s), unbackfilled as (
%2$s
    )
    select t.pair, t.month
      from (select * from leaves union select * from unbackfilled) t
     where ($1 is null or t.pair = any($1))
       and ($2 is null or t.month >= pg_catalog.to_char($2 at time zone 'UTC', 'YYYY-MM'))
       and ($3 is null or t.month <= pg_catalog.to_char($3 at time zone 'UTC', 'YYYY-MM'))
     order by 1, 2
  $q$,
    case when bqx_internal.citus_mode()
         -- Citus mode: bqx.bqx is one table distributed by pair (grouped on each worker)
         then $l$select b.pair, pg_catalog.to_char(b.ts_utc at time zone 'UTC', 'YYYY-MM') as month
                   from bqx.bqx b group by 1, 2$l$
         else $l$select pg_catalog.upper(m[1]) as pair, m[2] || '-' || m[3] as month
                   from pg_catalog.pg_inherits i
                   join pg_catalog.pg_class c on c.oid = i.inhrelid
                   join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                  cross join lateral pg_catalog.regexp_match(c.relname, '^bqx_([a-z]{6})_([0-9]{4})_([0-9]{2})$') m
                  where n.nspname = 'bqx' and m is not null$l$ end,
    case when bqx_internal.citus_mode()
         -- no correlated subquery beside a reference table: grouped on each worker
         then $u$select s.pair, pg_catalog.to_char(s.ts_utc at time zone 'UTC', 'YYYY-MM') as month
                   from bqx.m1 s
                  where $2 is not null and $3 is not null
                    and s.ts_utc >= $2 and s.ts_utc < $3 + interval '1 month'
                    and bqx_internal.good_rate(s.rate)
                  group by 1, 2$u$
         else pg_catalog.format($u$select p.pair, pg_catalog.to_char(g.m at time zone 'UTC', 'YYYY-MM') as month
        from bqx.pairs p
       cross join pg_catalog.generate_series($2 at time zone 'UTC', $3 at time zone 'UTC', interval '1 month') g (m)
       where $2 is not null and $3 is not null
         and ($1 is null or p.pair = any($1))
         and exists (select from %1$s s
                      where s.pair = p.pair
                        and s.ts_utc >= (g.m at time zone 'UTC')
                        and s.ts_utc < ((g.m + interval '1 month') at time zone 'UTC')
                        and bqx_internal.good_rate(s.rate))$u$, bqx_internal.source_relation()) end)
  using v_pairs, v_from, v_to;
end;
$$;

comment on function bqx_internal.verify_targets(text[], text, text) is
  'internal: pair-months for bqx verify: backfilled leaves of the pairs (NULL = all) in [p_from, p_to] (NULL = open), plus unbackfilled pair-months with good source bars when both bounds are given.';
