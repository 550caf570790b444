-- Upsert the BQX rows of ranges (p_pair[i], [p_from[i], p_to[i])) into bqx.bqx, computed
-- by the configured engine (bqx_internal.engine_ranges): the write half of
-- bqx_internal.recompute_ranges (live mode and catch-up), which owns the locks and makes
-- sure the month leaves exist. A row whose values did not change is not rewritten.
-- Returns the rows inserted or changed.
-- Ranges of the same pair must not overlap (a row may be upserted once per statement).
create or replace function bqx_internal.upsert_ranges(
  p_pair text[],
  p_from timestamptz[],
  p_to   timestamptz[]
) returns bigint
language plpgsql
volatile
set search_path = ''
set jit = off
as $$
declare
  v_rows bigint;
begin
  insert into bqx.bqx as b
  select e.*
    from bqx_internal.engine_ranges(p_pair, p_from, p_to) as e
  on conflict (pair, ts_utc) do update set
        rate = excluded.rate, w15_bqx_return = excluded.w15_bqx_return, w15_bqx_max = excluded.w15_bqx_max,
        w15_bqx_min = excluded.w15_bqx_min, w15_bqx_avg = excluded.w15_bqx_avg, w15_bqx_stdev = excluded.w15_bqx_stdev,
        w15_bqx_endpoint = excluded.w15_bqx_endpoint, w30_bqx_return = excluded.w30_bqx_return, w30_bqx_max = excluded.w30_bqx_max,
        w30_bqx_min = excluded.w30_bqx_min, w30_bqx_avg = excluded.w30_bqx_avg, w30_bqx_stdev = excluded.w30_bqx_stdev,
        w30_bqx_endpoint = excluded.w30_bqx_endpoint, w45_bqx_return = excluded.w45_bqx_return, w45_bqx_max = excluded.w45_bqx_max,
        w45_bqx_min = excluded.w45_bqx_min, w45_bqx_avg = excluded.w45_bqx_avg, w45_bqx_stdev = excluded.w45_bqx_stdev,
        w45_bqx_endpoint = excluded.w45_bqx_endpoint, w60_bqx_return = excluded.w60_bqx_return, w60_bqx_max = excluded.w60_bqx_max,
        w60_bqx_min = excluded.w60_bqx_min, w60_bqx_avg = excluded.w60_bqx_avg, w60_bqx_stdev = excluded.w60_bqx_stdev,
        w60_bqx_endpoint = excluded.w60_bqx_endpoint, w75_bqx_return = excluded.w75_bqx_return, w75_bqx_max = excluded.w75_bqx_max,
        w75_bqx_min = excluded.w75_bqx_min, w75_bqx_avg = excluded.w75_bqx_avg, w75_bqx_stdev = excluded.w75_bqx_stdev,
        w75_bqx_endpoint = excluded.w75_bqx_endpoint, agg_avg_mean = excluded.agg_avg_mean, agg_avg_stdev = excluded.agg_avg_stdev,
        agg_avg_slope = excluded.agg_avg_slope, agg_range = excluded.agg_range, agg_endpoint_mean = excluded.agg_endpoint_mean,
        agg_stdev_mean = excluded.agg_stdev_mean, agg_sign_balance = excluded.agg_sign_balance
    where (b.*) is distinct from (excluded.*);
  get diagnostics v_rows = row_count;
  return v_rows;
end;
$$;

comment on function bqx_internal.upsert_ranges(text[], timestamptz[], timestamptz[]) is
  'internal: upsert the BQX rows of p_pair[i] in [p_from[i], p_to[i]) into bqx.bqx (new and changed rows only); returns rows written. Callers hold the pair and month locks.';
