-- Stored rows of one pair in [p_from, p_to) whose bar is gone from the source or bad are
-- deleted (catch-up: a user's source can lose or correct bars, and no trigger says
-- which). One pair per call with the pair and bounds as literals, so the planner prunes
-- bqx.bqx to that pair's leaves in the range instead of scanning every partition.
create or replace function bqx_internal.delete_stale_range(p_pair text, p_from timestamptz, p_to timestamptz)
returns bigint
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_rows bigint;
begin
  execute pg_catalog.format($q$
    delete from bqx.bqx b
     where b.pair = %2$L and b.ts_utc >= %3$L::timestamptz and b.ts_utc < %4$L::timestamptz
       and not exists (select from %1$s s
                        where s.pair = b.pair and s.ts_utc = b.ts_utc
                          and bqx_internal.good_rate(s.rate))
    $q$, bqx_internal.source_relation(), p_pair, p_from, p_to);
  get diagnostics v_rows = row_count;
  return v_rows;
end;
$$;

comment on function bqx_internal.delete_stale_range(text, timestamptz, timestamptz) is
  'internal: delete the stored BQX rows of p_pair in [p_from, p_to) whose source bar is missing or bad; returns rows deleted.';
