-- Does bqx.m1 hold any bar of the pair between two instants (inclusive)? `bqx import`
-- asks before writing a file: when not, the file's bars go straight into bqx.m1 with one
-- binary COPY (should another session insert one of them meanwhile, the COPY fails on
-- the primary key, is rolled back to a savepoint, and the staging path runs instead).
create or replace function bqx_internal.import_range_has_bars(
  p_pair text,
  p_lo   timestamptz,
  p_hi   timestamptz
) returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (
    select from bqx.m1 m
     where m.pair = p_pair and m.ts_utc >= p_lo and m.ts_utc <= p_hi
  );
$$;

comment on function bqx_internal.import_range_has_bars(text, timestamptz, timestamptz) is
  'internal: true when bqx.m1 holds a bar of p_pair in [p_lo, p_hi]; bqx import then merges through its staging table instead of COPYing straight into bqx.m1.';
