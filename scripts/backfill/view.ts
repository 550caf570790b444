// The live view of a backfill: cli-progress bars (overall + one per pair) on a TTY,
// plain progress lines otherwise (no control codes), failures printed as they happen.
import cliProgress from 'cli-progress';
import { isTerminal } from '../lib/progress.js';
import { runBackfill, type BackfillOptions, type BackfillResult } from './run.js';
import { failureLine, formatDuration, formatInt, type Snapshot } from './snapshot.js';

export interface ProgressView {
  update(s: Snapshot): void;
  stop(): void;
}

function overallLine(s: Snapshot): string {
  const o = s.overall;
  return `${o.jobsDone}/${o.jobsTotal} months (${o.pct.toFixed(1)}%), ${formatInt(o.rowsWritten)} rows, `
    + `${o.rowsPerSec !== null ? formatInt(o.rowsPerSec) : '?'} rows/s, ${o.workersActive} workers active, `
    + `running ${o.jobsRunning}, failed ${o.jobsFailed}, elapsed ${formatDuration(o.elapsedSeconds)}, ETA ${formatDuration(o.etaSeconds)}`;
}

/** Failures not reported yet, as lines. */
function newFailures(s: Snapshot, seen: Set<string>): string[] {
  const out: string[] = [];
  for (const f of s.failed) {
    const key = `${f.pair} ${f.month}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(failureLine(f));
  }
  return out;
}

export function plainView(write: (line: string) => void = (l) => console.log(l), everyMs = 2000): ProgressView {
  const seen = new Set<string>();
  let lastLine = '';
  let lastAt = 0;
  let lastDone = -1;
  return {
    update(s) {
      for (const l of newFailures(s, seen)) write(l);
      const now = Date.now();
      const line = overallLine(s);
      // a line when a job finished, at most every everyMs, and never the same line twice
      if (line !== lastLine && (s.overall.jobsDone !== lastDone || now - lastAt >= everyMs)) {
        write(`bqx: ${line}`);
        lastLine = line;
        lastAt = now;
        lastDone = s.overall.jobsDone;
      }
    },
    stop() {},
  };
}

export function ttyView(): ProgressView {
  const seen = new Set<string>();
  const multi = new cliProgress.MultiBar({
    format: '{label} {bar} {percentage}% | {value}/{total} months | {rows} rows {extra}',
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    autopadding: true,
  }, cliProgress.Presets.shades_classic);
  let overall: cliProgress.SingleBar | undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(s) {
      for (const l of newFailures(s, seen)) multi.log(`${l}\n`);
      const o = s.overall;
      const extra = `| ${o.rowsPerSec !== null ? formatInt(o.rowsPerSec) : '?'} rows/s | ${o.workersActive} workers `
        + `| ETA ${formatDuration(o.etaSeconds)}${o.jobsFailed ? ` | ${o.jobsFailed} failed` : ''}`;
      if (!overall) overall = multi.create(o.jobsTotal, 0, { label: 'overall', rows: '0', extra });
      overall.setTotal(o.jobsTotal);
      overall.update(o.jobsDone + o.jobsFailed, { label: 'overall', rows: formatInt(o.rowsWritten), extra });
      for (const p of s.pairs) {
        let b = bars.get(p.pair);
        if (!b) {
          b = multi.create(p.monthsTotal, 0, { label: p.pair.padEnd(7), rows: '0', extra: '' });
          bars.set(p.pair, b);
        }
        b.setTotal(p.monthsTotal);
        b.update(p.monthsDone + p.monthsFailed, {
          label: p.pair.padEnd(7), rows: formatInt(p.rowsWritten), extra: p.monthsFailed ? `| ${p.monthsFailed} failed` : `| ${p.status}`,
        });
      }
    },
    stop() {
      multi.stop();
    },
  };
}

export function defaultView(): ProgressView {
  return isTerminal() ? ttyView() : plainView();
}

/** runBackfill() drawn by the default view while it runs (the commands backfill, import --backfill, demo). */
export async function backfillWithView(connectionString: string, opts: BackfillOptions): Promise<BackfillResult> {
  const view = defaultView();
  try {
    return await runBackfill(connectionString, { ...opts, onProgress: (s) => view.update(s) });
  } finally {
    view.stop();
  }
}

/** `N rows in T (R rows/s)`: how a finished backfill's throughput is said (`note` goes inside the brackets). */
export function throughput(r: BackfillResult, note?: string): string {
  return `${formatInt(r.rows)} rows in ${formatDuration(r.seconds)} (${formatInt(r.rowsPerSec)} rows/s${note ? `; ${note}` : ''})`;
}
