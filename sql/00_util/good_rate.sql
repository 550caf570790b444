-- A good rate (plv8-src/spec.ts isGoodRate, MIN_GOOD_RATE and MAX_GOOD_RATE): finite and
-- within [1e-9, 1e9]. NaN sorts above every number in Postgres, so it fails "<= 1e9";
-- ±Infinity fail the bounds; NULL gives NULL (not good: callers coalesce to false where
-- they need a boolean). test/good-rate.test.ts proves the bounds equal spec.ts's.
--
-- No SET clause, on purpose: a SQL function with one is never inlined, and this one is
-- called on every bar by the engines' scans (inlined it costs nothing).
create or replace function bqx_internal.good_rate(double precision)
returns boolean
language sql
immutable
parallel safe
as $$
  select $1 >= 1e-9::double precision and $1 <= 1e9::double precision
$$;

comment on function bqx_internal.good_rate(double precision) is
  'internal: true when a rate is good (finite, within [1e-9, 1e9], as isGoodRate in plv8-src/spec.ts); NULL for NULL. Inlined into the scans (no SET clause).';
