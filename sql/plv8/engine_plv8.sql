-- bqx_internal.engine_plv8: the BQX kernel (plv8-src/, the reference implementation of
-- BQX-SPEC.md section 2) running inside Postgres through PLV8.
--
-- Installed by the routine installer only when the plv8 extension is available; it
-- runs scripts/lib/plv8-bundle.ts renderPlv8Sql() on this file, which replaces the
-- bundle placeholder below by dist/plv8/bqx-kernel.js and the id placeholder by the
-- bundle's hash. The bundle is evaluated once per backend (and again only if the
-- installed bundle changed), then every call reuses globalThis.bqxKernel.
--
-- Arguments: one pair's bars in time order, p_ts strictly increasing, p_rate may hold
-- bad bars (NULL, NaN, ±Infinity, <= 0: skipped, no row). p_first_wanted is the number
-- of leading lookback elements (0-based index of the first bar whose row is wanted, the
-- kernel's firstWanted; 0 .. cardinality, cardinality means "no row"). Pass at least 75
-- good lookback bars, or start at the pair's first bar. Output depends only on the bars
-- and on which bar is first wanted, not on how much lookback (>= 75 good bars) is given.
-- Bad arguments raise 22004 (NULL) / 22023 through bqx_internal.raise_error.

create or replace function bqx_internal.engine_plv8(
  p_pair text,
  p_ts timestamptz[],
  p_rate double precision[],
  p_first_wanted integer
)
returns setof bqx.bqx
language plv8
stable
set search_path = ''
rows 32000
as $plv8$
var root = typeof globalThis === 'object' ? globalThis : Function('return this')();
if (!root.bqxKernel || root.bqxKernelBundleId !== '/*@bqx-kernel-bundle-id@*/') {
/*@bqx-kernel-bundle@*/
  root.bqxKernelBundleId = '/*@bqx-kernel-bundle-id@*/';
}
root.bqxKernel.engine(plv8, p_pair, p_ts, p_rate, p_first_wanted);
$plv8$;

comment on function bqx_internal.engine_plv8(text, timestamptz[], double precision[], integer) is
  'internal: the BQX kernel in PLV8: one bqx.bqx row per good bar of p_rate after the first p_first_wanted (lookback) elements; pass at least 75 good lookback bars. O(n) per window: monotonic deques for max/min, centred Neumaier-compensated window sums re-anchored every W bars. Bad bars (NULL, NaN, +-Infinity, <= 0) are skipped and get no row. Same numbers as plv8-src/kernel.ts.';
