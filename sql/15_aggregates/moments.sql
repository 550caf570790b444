-- moments(x) = {N, Sx, Sxx}: count, sum and sum of squared deviations from the mean of
-- its inputs, maintained by Postgres's own float8_accum (the Youngs-Cramer update behind
-- var_samp, which keeps relative accuracy for tiny variances at any rate level).
-- One aggregate gives the SQL engine a block's mean (Sx/N) and M2 (Sxx) in one pass,
-- where avg() and var_samp() would each walk the frame.
create or replace aggregate bqx_internal.moments(double precision) (
  sfunc    = pg_catalog.float8_accum,
  stype    = double precision[],
  initcond = '{0,0,0}'
);

comment on aggregate bqx_internal.moments(double precision) is
  'internal: {N, Sx, Sxx} of the inputs (float8_accum state): mean = Sx/N, M2 = Sxx.';
