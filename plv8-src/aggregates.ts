// The seven aggregates over the five windows (BQX-SPEC.md section 2).

import { SIGN_EPSILON } from './spec.js';

/** Where the aggregates read their inputs and write their outputs (one entry per row). */
export interface AggregateIO {
  /** w{W}_bqx_avg, w{W}_bqx_endpoint, w{W}_bqx_stdev, w{W}_bqx_return for W = 15..75 in order. */
  readonly avg: readonly Float64Array[];
  readonly endpoint: readonly Float64Array[];
  readonly stdev: readonly Float64Array[];
  readonly ret: readonly Float64Array[];
  /** w75_bqx_max, w75_bqx_min. */
  readonly max75: Float64Array;
  readonly min75: Float64Array;
  /** Outputs, NaN where any window is undefined. */
  readonly avgMean: Float64Array;
  readonly avgStdev: Float64Array;
  readonly avgSlope: Float64Array;
  readonly range: Float64Array;
  readonly endpointMean: Float64Array;
  readonly stdevMean: Float64Array;
  readonly signBalance: Float64Array;
}

/**
 * Fills the aggregate columns for rows [0, length). A row's aggregates are NaN (NULL)
 * unless all five windows are defined; since windows are nested (a row with 75 good
 * bars before it has 15 too) that is exactly "w75 is defined".
 *
 * agg_avg_stdev and agg_avg_slope are computed on the avgs shifted by w15's avg, so
 * five identical avgs give exactly 0 (the shifted values are all exactly 0).
 * `x + 0` turns a -0 into +0.
 */
export function computeAggregates(io: AggregateIO, length: number): void {
  const [a15, a30, a45, a60, a75] = io.avg;
  const [e15, e30, e45, e60, e75] = io.endpoint;
  const [s15, s30, s45, s60, s75] = io.stdev;
  const [r15, r30, r45, r60, r75] = io.ret;
  for (let k = 0; k < length; k++) {
    const v75 = a75[k];
    if (v75 !== v75) {
      io.avgMean[k] = NaN;
      io.avgStdev[k] = NaN;
      io.avgSlope[k] = NaN;
      io.range[k] = NaN;
      io.endpointMean[k] = NaN;
      io.stdevMean[k] = NaN;
      io.signBalance[k] = NaN;
      continue;
    }
    const v15 = a15[k];
    const v30 = a30[k];
    const v45 = a45[k];
    const v60 = a60[k];
    io.avgMean[k] = (v15 + v30 + v45 + v60 + v75) / 5 + 0;
    // Shifted by v15: y15 = 0 exactly.
    const y30 = v30 - v15;
    const y45 = v45 - v15;
    const y60 = v60 - v15;
    const y75 = v75 - v15;
    const ym = (y30 + y45 + y60 + y75) / 5;
    const z15 = -ym;
    const z30 = y30 - ym;
    const z45 = y45 - ym;
    const z60 = y60 - ym;
    const z75 = y75 - ym;
    io.avgStdev[k] = Math.sqrt((z15 * z15 + z30 * z30 + z45 * z45 + z60 * z60 + z75 * z75) / 4);
    // Σ (W-45)(a_W - ā) / 2250 with W-45 = -30, -15, 0, 15, 30.
    io.avgSlope[k] = (30 * (z75 - z15) + 15 * (z60 - z30)) / 2250 + 0;
    io.range[k] = io.max75[k] - io.min75[k];
    io.endpointMean[k] = (e15[k] + e30[k] + e45[k] + e60[k] + e75[k]) / 5 + 0;
    io.stdevMean[k] = (s15[k] + s30[k] + s45[k] + s60[k] + s75[k]) / 5;
    io.signBalance[k] = sign(r15[k]) + sign(r30[k]) + sign(r45[k]) + sign(r60[k]) + sign(r75[k]);
  }
}

function sign(x: number): number {
  return x > SIGN_EPSILON ? 1 : x < -SIGN_EPSILON ? -1 : 0;
}
