// The HTML report's charts as Vega-Lite specs, one function per chart, from the report's
// data. Every unit view has a `name`: Vega gives its marks the CSS class `<name>_marks`,
// which is how the tests count them. Colours of text, axes and grid are `currentColor`,
// so one SVG reads in light and dark mode (the page sets the colour).
import type { TopLevelSpec } from 'vega-lite';
import { WINDOWS } from '../../plv8-src/spec.js';
import type { ChartData, FeatureDay, JobRecord } from './chart-data.js';
import type { ReportData } from './collect.js';

export interface Chart {
  /** stable id: the figure's data-chart attribute and the prefix of its mark classes */
  id: string;
  spec: TopLevelSpec;
  /** mark class -> number of mark items the data implies (what the tests check) */
  marks: Record<string, number>;
}

const WIDTH = 820;
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Readable on a white and on a near-black page. */
export const COLORS = {
  done: '#3f9c4a', running: '#4c78a8', pending: '#9a9a9a', failed: '#e45756', retried: '#f58518',
  bars: '#4c78a8', table: '#4c78a8', indexes: '#72b7b2',
  windows: ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#b279a2'],
};

const THEME = {
  background: null,
  font: 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif',
  view: { stroke: null },
  title: { color: 'currentColor', subtitleColor: 'currentColor', fontSize: 15, subtitleFontSize: 12, anchor: 'start', offset: 12 },
  axis: {
    labelColor: 'currentColor', titleColor: 'currentColor', domainColor: 'currentColor', tickColor: 'currentColor',
    gridColor: 'currentColor', gridOpacity: 0.14, domainOpacity: 0.5, tickOpacity: 0.5,
    labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal',
  },
  legend: { labelColor: 'currentColor', titleColor: 'currentColor', labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  // the description of each mark item is its aria-label: the page's tooltip shows it
  aria: true,
} as const;

function top(spec: Record<string, unknown>): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: THEME, ...spec } as unknown as TopLevelSpec;
}

const utcIso = (t: number) => new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export const STATUSES = ['done', 'running', 'pending', 'failed'] as const;

/** Months per pair and status: a stacked bar per pair. */
export function completionChart(jobs: JobRecord[]): Chart {
  const counts = new Map<string, number>();
  for (const j of jobs) counts.set(`${j.pair} ${j.status}`, (counts.get(`${j.pair} ${j.status}`) ?? 0) + 1);
  const values = [...counts].map(([k, months]) => {
    const [pair, status] = k.split(' ');
    return { pair, status, months, order: STATUSES.indexOf(status as (typeof STATUSES)[number]), label: `${pair}: ${months} ${status}` };
  });
  const done = jobs.filter((j) => j.status === 'done').length;
  const pairs = new Set(jobs.map((j) => j.pair)).size;
  return {
    id: 'completion',
    marks: { completion_marks: values.length },
    spec: top({
      name: 'completion',
      title: { text: 'Completion by pair', subtitle: `${done} of ${jobs.length} pair-months done` },
      width: Math.min(WIDTH, Math.max(260, pairs * 29)), height: 200,
      data: { values },
      mark: { type: 'bar', tooltip: false },
      encoding: {
        x: { field: 'pair', type: 'nominal', title: 'pair', sort: 'ascending', axis: { labelAngle: -45 } },
        y: { field: 'months', type: 'quantitative', stack: 'zero', title: 'pair-months (count)', axis: { tickMinStep: 1, format: 'd' } },
        color: { field: 'status', type: 'nominal', title: 'status',
          scale: { domain: [...STATUSES], range: STATUSES.map((s) => COLORS[s]) } },
        order: { field: 'order', type: 'quantitative' },
        description: { field: 'label' },
      },
    }),
  };
}

const BUCKETS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400];

/** Bucket width for a run of `spanMs`: the smallest step giving at most `max` buckets. */
export function bucketSeconds(spanMs: number, max = 120): number {
  return BUCKETS_S.find((s) => spanMs / 1000 / s <= max) ?? BUCKETS_S[BUCKETS_S.length - 1];
}

function bucketLabel(s: number): string {
  return s < 60 ? `${s}-s` : s < 3600 ? `${s / 60}-min` : s < 86400 ? `${s / 3600}-h` : '1-day';
}

/**
 * Rows/s over the run: each done job's rows spread evenly over its attempt's wall time,
 * summed per time bucket; failed jobs and retried jobs marked by a rule.
 */
export function throughputChart(jobs: JobRecord[]): Chart {
  const done = jobs.filter((j) => j.status === 'done' && j.startedAt !== null && j.finishedAt !== null);
  const start = Math.min(...done.map((j) => j.startedAt!));
  const end = Math.max(...done.map((j) => j.finishedAt!));
  const step = bucketSeconds(end - start);
  const stepMs = step * 1000;
  const t0 = Math.floor(start / stepMs) * stepMs;
  const rows = new Map<number, number>();
  for (const j of done) {
    const a = j.startedAt!;
    const b = Math.max(j.finishedAt!, a + 1);
    for (let k = Math.floor((a - t0) / stepMs); t0 + k * stepMs < b; k++) {
      const lo = Math.max(a, t0 + k * stepMs);
      const hi = Math.min(b, t0 + (k + 1) * stepMs);
      rows.set(k, (rows.get(k) ?? 0) + n(j.rowsWritten) * (hi - lo) / (b - a));
    }
  }
  const bars = [...rows].sort((x, y) => x[0] - y[0])
    .map(([k, r]) => {
      const rps = Math.round(r / step);
      return { t0: t0 + k * stepMs, t1: t0 + (k + 1) * stepMs, rps, label: `${utcIso(t0 + k * stepMs)}, ${bucketLabel(step)}: ${rps.toLocaleString('en-US')} rows/s` };
    });
  const events = [
    ...jobs.filter((j) => j.status === 'failed' && j.finishedAt !== null)
      .map((j) => ({ t: j.finishedAt!, kind: 'failed job', label: `failed: ${j.pair} ${j.month}, ${j.attempts} attempts` })),
    ...jobs.filter((j) => j.status === 'done' && j.attempts > 1 && j.startedAt !== null)
      .map((j) => ({ t: j.startedAt!, kind: 'retried job', label: `retried: ${j.pair} ${j.month}, attempt ${j.attempts}` })),
  ];
  const failed = events.filter((e) => e.kind === 'failed job').length;
  const title = `rows/s (${bucketLabel(step)} buckets)`;
  return {
    id: 'throughput',
    marks: { throughput_marks: bars.length, throughput_events_marks: events.length },
    spec: top({
      title: { text: 'Throughput over the run', subtitle: done.length === 0 ? 'no job has finished yet'
        : `${utcIso(start)} to ${utcIso(end)}; ${failed} failed, ${events.length - failed} retried jobs marked` },
      width: WIDTH, height: 200,
      // the events layer only when there are events: an empty temporal layer has no extent
      layer: [
        {
          name: 'throughput',
          data: { values: bars },
          mark: { type: 'rect', color: COLORS.bars, tooltip: false },
          encoding: {
            x: { field: 't0', type: 'temporal', scale: { type: 'utc' }, title: 'time (UTC)',
              axis: { format: end - start > 86400e3 ? '%m-%d %H:%M' : step < 60 ? '%H:%M:%S' : '%H:%M', labelOverlap: true } },
            x2: { field: 't1' },
            y: { field: 'rps', type: 'quantitative', title, axis: { format: ',d' } },
            y2: { datum: 0 },
            description: { field: 'label' },
          },
        },
        ...(events.length === 0 ? [] : [{
          name: 'throughput_events',
          data: { values: events },
          mark: { type: 'rule', strokeWidth: 2, strokeDash: [4, 2], tooltip: false },
          encoding: {
            x: { field: 't', type: 'temporal', scale: { type: 'utc' } },
            color: { field: 'kind', type: 'nominal', title: 'marked',
              scale: { domain: ['failed job', 'retried job'], range: [COLORS.failed, COLORS.retried] } },
            description: { field: 'label' },
          },
        }]),
      ],
    }),
  };
}

export const OUTCOMES = ['done first try', 'done after retry', 'failed'] as const;

/** One point per finished job: the seconds of its latest attempt, by outcome. */
export function secondsChart(jobs: JobRecord[]): Chart {
  const finished = jobs.filter((j) => (j.status === 'done' || j.status === 'failed') && j.seconds !== null);
  const values = finished.map((j, i) => {
    const outcome = j.status === 'failed' ? 'failed' : j.attempts > 1 ? 'done after retry' : 'done first try';
    return {
      outcome, seconds: Math.round(j.seconds! * 1000) / 1000,
      label: `${j.pair} ${j.month}: ${j.seconds!.toFixed(2)} s, ${outcome} (${j.attempts} attempts)`,
      // a fixed spread inside the row, so equal times do not hide each other
      jitter: (i * 0.618034) % 1,
    };
  });
  const doneS = values.filter((v) => v.outcome !== 'failed').map((v) => v.seconds).sort((a, b) => a - b);
  const q = (p: number) => doneS[Math.min(doneS.length - 1, Math.floor(p * doneS.length))];
  return {
    id: 'seconds',
    marks: { seconds_marks: values.length },
    spec: top({
      name: 'seconds',
      title: { text: 'Seconds per pair-month', subtitle: doneS.length === 0 ? 'no job done yet'
        : `done jobs: median ${q(0.5).toFixed(2)} s, 90th percentile ${q(0.9).toFixed(2)} s, slowest ${doneS[doneS.length - 1].toFixed(2)} s` },
      width: WIDTH, height: { step: 46 },
      data: { values },
      mark: { type: 'point', filled: true, size: 60, opacity: 0.8, tooltip: false },
      encoding: {
        x: { field: 'seconds', type: 'quantitative', title: 'seconds per pair-month (latest attempt, s)', scale: { zero: true } },
        y: { field: 'outcome', type: 'nominal', title: null, scale: { domain: [...OUTCOMES] } },
        yOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-0.2, 1.2] } },
        color: { field: 'outcome', type: 'nominal', title: 'outcome', legend: null,
          scale: { domain: [...OUTCOMES], range: [COLORS.done, COLORS.retried, COLORS.failed] } },
        shape: { field: 'outcome', type: 'nominal', legend: null,
          scale: { domain: [...OUTCOMES], range: ['circle', 'diamond', 'cross'] } },
        description: { field: 'label' },
      },
    }),
  };
}

/** Bad bars of each backfilled pair-month (pairs x months); the other pair-months in grey. */
export function badBarsChart(jobs: JobRecord[]): Chart {
  const done = jobs.filter((j) => j.status === 'done')
    .map((j) => ({ pair: j.pair, month: j.month, bad: n(j.badBars), label: `${j.pair} ${j.month}: ${n(j.badBars).toLocaleString('en-US')} bad bars` }));
  const other = jobs.filter((j) => j.status !== 'done').map((j) => ({ pair: j.pair, month: j.month, label: `${j.pair} ${j.month}: ${j.status}` }));
  const max = Math.max(0, ...done.map((d) => d.bad));
  const total = done.reduce((a, d) => a + d.bad, 0);
  const months = [...new Set(jobs.map((j) => j.month))].sort();
  const pairs = [...new Set(jobs.map((j) => j.pair))].sort();
  const x = { field: 'month', type: 'ordinal', title: 'month', scale: { domain: months }, axis: { labelAngle: 0 } };
  const y = { field: 'pair', type: 'nominal', title: 'pair', scale: { domain: pairs } };
  return {
    id: 'badbars',
    marks: { badbars_marks: done.length, badbars_other_marks: other.length },
    spec: top({
      title: { text: 'Bad bars per pair-month', subtitle: `${total.toLocaleString('en-US')} bad bars left out in ${done.length} backfilled pair-months`
        + (other.length ? `; grey: ${other.length} not backfilled (pending, running or failed)` : '') },
      width: Math.min(WIDTH - 100, Math.max(320, months.length * 64)), height: { step: 20 },
      layer: [
        {
          name: 'badbars',
          data: { values: done },
          mark: { type: 'rect', tooltip: false, stroke: 'currentColor', strokeOpacity: 0.15 },
          encoding: {
            x, y,
            color: { field: 'bad', type: 'quantitative', title: 'bad bars (count)',
              scale: { scheme: 'orangered', domain: [0, Math.max(1, max)] }, legend: { format: ',d', tickMinStep: 1 } },
            description: { field: 'label' },
          },
        },
        {
          name: 'badbars_other',
          data: { values: other },
          mark: { type: 'rect', color: COLORS.pending, opacity: 0.35, tooltip: false },
          encoding: { x, y, description: { field: 'label' } },
        },
      ],
    }),
  };
}

/** Table and index bytes per pair, stacked. */
export function storageChart(storage: ReportData['storage']): Chart {
  const MB = 1024 * 1024;
  const values = storage.flatMap((s) => [
    { pair: s.pair, part: 'table', mb: n(s.table_bytes) / MB, order: 0 },
    { pair: s.pair, part: 'indexes', mb: n(s.index_bytes) / MB, order: 1 },
  ]).filter((v) => v.mb > 0).map((v) => ({ ...v, mb: Math.round(v.mb * 100) / 100, label: `${v.pair} ${v.part}: ${v.mb.toFixed(2)} MB` }));
  const total = storage.reduce((a, s) => a + n(s.total_bytes), 0) / MB;
  return {
    id: 'storage',
    marks: { storage_marks: values.length },
    spec: top({
      name: 'storage',
      title: { text: 'Storage by pair', subtitle: `${total.toFixed(1)} MB in ${storage.reduce((a, s) => a + n(s.months), 0)} month leaves of bqx.bqx` },
      width: WIDTH - 120, height: { step: 18 },
      data: { values },
      mark: { type: 'bar', tooltip: false },
      encoding: {
        y: { field: 'pair', type: 'nominal', title: 'pair', sort: 'ascending' },
        x: { field: 'mb', type: 'quantitative', stack: 'zero', title: 'size on disk (MB)' },
        color: { field: 'part', type: 'nominal', title: 'part', scale: { domain: ['table', 'indexes'], range: [COLORS.table, COLORS.indexes] } },
        order: { field: 'order', type: 'quantitative' },
        description: { field: 'label' },
      },
    }),
  };
}

/** The rate, the five w{W}_bqx_return series and agg_sign_balance of one pair-day on one time axis. */
export function featuresChart(f: FeatureDay): Chart {
  const rate = f.bars.map((b) => ({ t: b.ts, rate: b.rate, label: `${f.pair} rate` }));
  const returns = f.bars.flatMap((b) => WINDOWS.map((w, i) => ({ t: b.ts, window: `W = ${w}`, w, pct: b.returns[i] === null ? null : b.returns[i]! * 100, label: `w${w}_bqx_return` })))
    .filter((v) => v.pct !== null);
  const sign = f.bars.filter((b) => b.signBalance !== null).map((b) => ({ t: b.ts, s: b.signBalance, label: 'agg_sign_balance' }));
  const x = (title: string | null) => ({ field: 't', type: 'temporal', scale: { type: 'utc' }, title, axis: { format: '%H:%M', labelOverlap: true } });
  const base = f.pair.slice(0, 3);
  const quote = f.pair.slice(3);
  const series = new Set(returns.map((r) => r.w)).size;
  return {
    id: 'features',
    marks: { features_rate_marks: rate.length ? 1 : 0, features_returns_marks: series, features_sign_marks: sign.length ? 1 : 0 },
    spec: top({
      title: { text: `Features of ${f.pair} on ${f.day} (UTC)`, subtitle: `${f.bars.length.toLocaleString('en-US')} one-minute bars; BQX returns are sums of (rate(t-i) - rate(t)) / rate(t) over W bars` },
      resolve: { scale: { x: 'shared' } },
      spacing: 14,
      vconcat: [
        {
          name: 'features_rate', width: WIDTH - 60, height: 150,
          data: { values: rate },
          mark: { type: 'line', color: 'currentColor', strokeWidth: 1.2, tooltip: false },
          encoding: { x: x(null), y: { field: 'rate', type: 'quantitative', scale: { zero: false }, title: `rate (${quote} per ${base})` }, description: { field: 'label' } },
        },
        {
          name: 'features_returns', width: WIDTH - 60, height: 190,
          data: { values: returns },
          mark: { type: 'line', strokeWidth: 1, tooltip: false },
          encoding: {
            x: x(null),
            y: { field: 'pct', type: 'quantitative', title: 'w{W}_bqx_return (%)' },
            color: { field: 'window', type: 'nominal', title: 'window', sort: WINDOWS.map((w) => `W = ${w}`),
              scale: { domain: WINDOWS.map((w) => `W = ${w}`), range: COLORS.windows } },
            description: { field: 'label' },
          },
        },
        {
          name: 'features_sign', width: WIDTH - 60, height: 110,
          data: { values: sign },
          mark: { type: 'area', interpolate: 'step-after', color: COLORS.retried, opacity: 0.75, tooltip: false },
          encoding: {
            x: x('time of day (UTC)'),
            y: { field: 's', type: 'quantitative', title: ['agg_sign_balance', '(-5..5)'], scale: { domain: [-5, 5] }, axis: { values: [-5, 0, 5] } },
            description: { field: 'label' },
          },
        },
      ],
    }),
  };
}

/** Every chart of the report, keyed by the Markdown section it belongs to. */
export function reportCharts(d: ReportData, c: ChartData): { section: string; charts: Chart[] }[] {
  return [
    { section: 'Completion by pair', charts: c.jobs.length ? [completionChart(c.jobs)] : [] },
    { section: 'Performance', charts: c.jobs.some((j) => j.status === 'done') ? [throughputChart(c.jobs), secondsChart(c.jobs)] : [] },
    { section: 'Data quality', charts: c.jobs.length ? [badBarsChart(c.jobs)] : [] },
    { section: 'Storage', charts: d.storage.length ? [storageChart(d.storage)] : [] },
    { section: 'Features', charts: c.features ? [featuresChart(c.features)] : [] },
  ];
}
