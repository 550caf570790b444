-- Stored rows at the given keys whose bar is gone from the source or bad are deleted
-- (a bar deleted, updated to a bad rate, inserted bad over a stale row, or moved away by
-- an UPDATE of its key). The live triggers know these keys from their transition tables,
-- so this never scans a range; the every-minute insert of good bars never calls it.
create or replace function bqx_internal.delete_stale_rows(p_pair text[], p_ts timestamptz[])
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
     using (select distinct k.pair, k.ts
              from rows from (pg_catalog.unnest($1), pg_catalog.unnest($2)) as k(pair, ts)) k
     where b.pair = k.pair and b.ts_utc = k.ts
       and not exists (select from %1$s s
                        where s.pair = k.pair and s.ts_utc = k.ts
                          and bqx_internal.good_rate(s.rate))
    $q$, bqx_internal.source_relation()) using p_pair, p_ts;
  get diagnostics v_rows = row_count;
  return v_rows;
end;
$$;

comment on function bqx_internal.delete_stale_rows(text[], timestamptz[]) is
  'internal: delete the stored BQX rows at keys (p_pair[i], p_ts[i]) whose source bar is missing or bad; returns rows deleted.';
