// The seed's own method, as SQL: the yardstick bqx is compared with on the same machine
// (bench/seed-method.ts runs it). One statement per pair-month, as the seed's Python
// script ran it: plain window functions over THAT MONTH'S bars only (a frame of
// `ROWS BETWEEN W PRECEDING AND 1 PRECEDING` per window, `lag(rate, W)` for the
// endpoint), no lookback into the previous month (so each month's first bars get NULLs,
// the seed's defect; this yardstick does not fix it), and
// `INSERT ... ON CONFLICT (pair, ts_utc) DO UPDATE` into a per-pair-month table that
// already has its primary key.
//
// Columns, windows and the sign epsilon come from plv8-src/spec.ts; the formulas are
// BQX-SPEC section 2 written the direct way (d_i = (r_{t-i} - r_t) / r_t, so every
// window metric is a window aggregate of raw rates shifted and divided by r_t once).
// `offset 0` keeps the planner from expanding every window column into each aggregate
// that reads it: the yardstick is the seed's method written well, not handicapped.
// Not exact where bqx is (stddev_samp over identical rates may give 1e-17, not 0): it
// is a speed yardstick, not an engine.
import {
  AGGREGATE_COLUMNS, BQX_COLUMNS, MAX_GOOD_RATE, METRICS, MIN_GOOD_RATE, SIGN_EPSILON, WINDOWS, windowColumn,
  type AggregateColumn, type Metric, type Window,
} from '../plv8-src/spec.js';

/** The good-bar test of bqx_internal.good_rate (spec.ts isGoodRate): both count the same bars. */
const GOOD_RATE = `b.rate >= ${MIN_GOOD_RATE}::double precision and b.rate <= ${MAX_GOOD_RATE}::double precision`;

// per-window aggregates of the raw rates in the frame, named <what><W> in the inner query
const frame = (w: Window) => `w${w}`;
const inner = (w: Window) => [
  `pg_catalog.sum(b.rate) over ${frame(w)} as s${w}`,
  `pg_catalog.max(b.rate) over ${frame(w)} as x${w}`,
  `pg_catalog.min(b.rate) over ${frame(w)} as n${w}`,
  `pg_catalog.stddev_samp(b.rate) over ${frame(w)} as sd${w}`,
  `pg_catalog.lag(b.rate, ${w}) over o as e${w}`,
];

// a window is defined when W bars of the month precede the bar: lag(rate, W) exists
const metric: Record<Metric, (w: Window) => string> = {
  return: (w) => `(x.s${w} - ${w} * x.rate) / x.rate`,
  max: (w) => `(x.x${w} - x.rate) / x.rate`,
  min: (w) => `(x.n${w} - x.rate) / x.rate`,
  avg: (w) => `(x.s${w} - ${w} * x.rate) / x.rate / ${w}`,
  stdev: (w) => `x.sd${w} / x.rate`,
  endpoint: (w) => `(x.e${w} - x.rate) / x.rate`,
};
const windowExpr = (w: Window, m: Metric) => `case when x.e${w} is not null then ${metric[m](w)} end`;

const LAST = WINDOWS[WINDOWS.length - 1];
const K = WINDOWS.length;
const meanW = WINDOWS.reduce((a, w) => a + w, 0) / K;
const sxx = WINDOWS.reduce((a, w) => a + (w - meanW) ** 2, 0);
const col = (w: Window, m: Metric) => `f.${windowColumn(w, m)}`;
const sumOver = (m: Metric) => WINDOWS.map((w) => col(w, m)).join(' + ');
const avgMean = `(${sumOver('avg')}) / ${K}`;

// the aggregates over the five windows, from the window columns; NULL unless the
// largest window (hence every window) is defined, since each one reads it
const aggregate: Record<AggregateColumn, string> = {
  agg_avg_mean: avgMean,
  agg_avg_stdev: `pg_catalog.sqrt((${WINDOWS.map((w) => `(${col(w, 'avg')} - ${avgMean}) ^ 2`).join(' + ')}) / ${K - 1})`,
  agg_avg_slope: `(${WINDOWS.map((w) => `${w - meanW} * (${col(w, 'avg')} - ${avgMean})`).join(' + ')}) / ${sxx}`,
  agg_range: `${col(LAST, 'max')} - ${col(LAST, 'min')}`,
  agg_endpoint_mean: `(${sumOver('endpoint')}) / ${K}`,
  agg_stdev_mean: `(${sumOver('stdev')}) / ${K}`,
  agg_sign_balance: `case when ${col(LAST, 'return')} is not null then (${WINDOWS.map((w) =>
    `case when pg_catalog.abs(${col(w, 'return')}) <= ${SIGN_EPSILON} then 0 else pg_catalog.sign(${col(w, 'return')}) end`).join(' + ')})::integer end`,
};

const quoteIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;

/**
 * The statement that computes one pair-month the seed's way and upserts it into `table`
 * (a schema-qualified, already quoted name). Parameters: $1 pair, $2 month start,
 * $3 month end (timestamptz, half-open).
 */
export function seedMethodStatement(table: string, source = 'bqx.m1'): string {
  const windowCols = WINDOWS.flatMap((w) => METRICS.map((m) => `${windowExpr(w, m)} as ${windowColumn(w, m)}`));
  const aggCols = AGGREGATE_COLUMNS.map((a) => `${aggregate[a]} as ${a}`);
  const updated = BQX_COLUMNS.filter((c) => c !== 'pair' && c !== 'ts_utc');
  return `insert into ${table} as t (${BQX_COLUMNS.join(', ')})
select f.pair, f.ts_utc, f.rate,
       ${[...WINDOWS.flatMap((w) => METRICS.map((m) => `f.${windowColumn(w, m)}`)), ...aggCols].join(',\n       ')}
  from (select $1::text as pair, x.ts_utc, x.rate,
               ${windowCols.join(',\n               ')}
          from (select b.ts_utc, b.rate,
                       ${WINDOWS.flatMap(inner).join(',\n                       ')}
                  from ${source} b
                 where b.pair = $1 and b.ts_utc >= $2 and b.ts_utc < $3 and ${GOOD_RATE}
                window o as (order by b.ts_utc),
                       ${WINDOWS.map((w) => `${frame(w)} as (o rows between ${w} preceding and 1 preceding)`).join(',\n                       ')}) x
        offset 0) f
on conflict (pair, ts_utc) do update
   set ${updated.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(',\n       ')}`;
}

/** The per-pair-month table the seed's statement writes into: the 40 columns and the primary key. */
export function seedMethodTable(table: string): string {
  return `create table ${table} (like bqx.bqx, primary key (pair, ts_utc))`;
}
