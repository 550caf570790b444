-- bqx_internal.plv8_kernel: the BQX kernel (plv8-src/, the reference implementation of
-- the contract: docs/contract.md) running inside Postgres through PLV8.
--
-- Installed by the routine installer only when the plv8 extension is available; it
-- runs scripts/lib/plv8-bundle.ts renderPlv8Sql() on this file, which replaces the
-- bundle placeholder below by dist/plv8/bqx-kernel.js and the id placeholder by the
-- bundle's hash. The bundle is evaluated once per backend (and again only if the
-- installed bundle changed), then every call reuses globalThis.bqxKernel.
--
-- p_rate: one pair's good rates in time order (bqx_internal.source_arrays); a row for each
-- after the first p_first_wanted (lookback) elements, row k being p_rate[p_first_wanted + k].
-- It returns what SQL cannot rebuild cheaply, as one row of plain arrays (rows do not
-- cross from V8 one by one: see plv8-src/plv8-entry.ts for the measured costs):
--   ret_W, sd_W       w{W}_bqx_return and w{W}_bqx_stdev of each row, NaN where undefined;
--   mm_a, mm_b, mm_c  how many bars back each window's max and min rate lie, 7 bits each:
--                     mm_a = hi15 lo15 hi30 lo30, mm_b = hi45 lo45 hi60 lo60, mm_c = hi75
--                     lo75 (most significant first); 127 where the window is undefined.
-- bqx_internal.engine_plv8 turns that into bqx.bqx rows. Bad arguments (NULL, a bad
-- rate, p_first_wanted out of range) raise 22004 / 22023 through bqx_internal.raise_error.
create or replace function bqx_internal.plv8_kernel(
  p_rate double precision[],
  p_first_wanted integer
) returns table (
  ret_15 double precision[],
  sd_15 double precision[],
  ret_30 double precision[],
  sd_30 double precision[],
  ret_45 double precision[],
  sd_45 double precision[],
  ret_60 double precision[],
  sd_60 double precision[],
  ret_75 double precision[],
  sd_75 double precision[],
  mm_a integer[],
  mm_b integer[],
  mm_c integer[]
)
language plv8
immutable
set search_path = ''
rows 1
as $plv8$
var root = typeof globalThis === 'object' ? globalThis : Function('return this')();
if (!root.bqxKernel || root.bqxKernelBundleId !== '/*@bqx-kernel-bundle-id@*/') {
/*@bqx-kernel-bundle@*/
  root.bqxKernelBundleId = '/*@bqx-kernel-bundle-id@*/';
}
plv8.return_next(root.bqxKernel.kernel(plv8, p_rate, p_first_wanted));
$plv8$;

comment on function bqx_internal.plv8_kernel(double precision[], integer) is
  'internal: the BQX kernel in PLV8 (plv8-src/): for the good rates of p_rate after the first p_first_wanted (lookback) elements, each window''s return and stdev, and how far back its max and min rates lie (packed, 7 bits each). bqx_internal.engine_plv8 builds the rows from it.';
