-- The advisory-lock key of a named bqx lock ('bqx.month:<leaf>', 'bqx.live:<pair>',
-- 'bqx.pair_partition:<pair>'). Every bqx path computes its keys here and nowhere else,
-- so the lock order written down in the README is the only one in use. The key is a
-- hash seeded with the secret in bqx_internal.lock_salt (SECURITY DEFINER: only bqx's
-- owner reads it), so a role outside bqx cannot compute it to take the lock.
create or replace function bqx_internal.lock_key(p_name text)
returns bigint
language sql
stable
parallel safe
security definer
set search_path = ''
as $$ select pg_catalog.hashtextextended(p_name, s.salt) from bqx_internal.lock_salt s $$;

comment on function bqx_internal.lock_key(text) is
  'internal: advisory-lock key (bigint) of the named bqx lock, e.g. bqx.month:bqx_eurusd_2024_07, seeded with the secret bqx_internal.lock_salt.';
