// The seed-style Markdown progress report, from ReportData (collect.ts).
import { formatDuration, formatInt } from '../backfill/snapshot.js';
import type { ReportData } from './collect.js';

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const iso = (v: unknown): string => (v ? new Date(v as string).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '-');

function bytes(b: number): string {
  const u = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let x = b;
  while (x >= 1024 && i < u.length - 1) { x /= 1024; i++; }
  return `${x.toFixed(i === 0 ? 0 : 1)} ${u[i]}`;
}

function table(head: string[], rows: (string | number)[][]): string {
  const esc = (c: string | number) => String(c).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function renderReport(d: ReportData): string {
  const o = d.overall;
  const out: string[] = [];
  const total = n(o.jobs_total);
  out.push(`# BQX backfill progress report`, '',
    `Generated ${iso(d.generatedAt)} from database \`${d.database}\`.`, '');

  out.push('## Overall statistics', '', table(['metric', 'value'], [
    ['pair-month jobs', formatInt(total)],
    ['done', `${formatInt(n(o.jobs_done))} (${n(o.pct).toFixed(1)}%)`],
    ['running', formatInt(n(o.jobs_running))],
    ['pending', formatInt(n(o.jobs_pending))],
    ['failed', formatInt(n(o.jobs_failed))],
    ['BQX rows written', formatInt(n(o.rows_written))],
    ['bad bars left out', formatInt(n(o.bad_bars))],
    ['pairs', formatInt(d.byPair.length)],
  ]), '');

  out.push('## Completion by pair', '', table(['pair', 'months done', '%', 'rows', 'bad bars', 'status'],
    d.byPair.map((p) => [p.pair, `${p.months_done}/${p.months_total}`, n(p.pct).toFixed(1), formatInt(n(p.rows_written)),
      formatInt(n(p.bad_bars)), p.status])), '');

  const rps = o.rows_per_sec === null ? null : n(o.rows_per_sec);
  out.push('## Performance', '', table(['metric', 'value'], [
    ['workers active now', formatInt(n(o.workers_active))],
    ['workers that completed jobs', formatInt(n(o.workers_seen))],
    ['throughput', rps === null ? '-' : `${formatInt(rps)} rows/s`],
    ['average seconds per pair-month', o.avg_seconds_per_job === null ? '-' : n(o.avg_seconds_per_job).toFixed(2)],
    ['attempts (incl. retries)', formatInt(n(o.attempts))],
    ['engines', d.engines.map((e) => `${e.engine} (${e.jobs} jobs)`).join(', ') || '-'],
  ]), '');

  const remaining = n(o.jobs_pending) + n(o.jobs_running);
  out.push('## Time analysis', '', table(['metric', 'value'], [
    ['started', iso(o.started_at)],
    ['last job finished', iso(o.last_finished_at)],
    ['elapsed (busy wall time)', formatDuration(n(o.elapsed_s))],
    ['remaining jobs', formatInt(remaining)],
    ['ETA', remaining === 0 ? 'complete' : o.eta_s === null ? 'unknown (no job finished yet)' : `${formatDuration(n(o.eta_s))} (${iso(o.eta_at)})`],
  ]), '');

  out.push('## Recent activity', '', d.recent.length === 0 ? 'No job has run yet.' : table(
    ['finished', 'worker', 'pair', 'month', 'status', 'rows', 'seconds', 'attempts'],
    d.recent.map((r) => [r.finished_at ? iso(r.finished_at) : 'running', r.worker ?? '-', r.pair, r.month, r.status,
      r.rows_written === null ? '-' : formatInt(n(r.rows_written)), r.seconds === null ? '-' : n(r.seconds).toFixed(2), r.attempts])), '');

  const misplaced = d.quality.reduce((a, q) => a + n(q.misplaced_null_rows), 0);
  out.push('## Data quality', '',
    misplaced === 0
      ? 'NULL windows only in the first 75 good bars of each pair\'s history, as the contract requires (no NULLs at month starts).'
      : `**${formatInt(misplaced)} rows carry NULL windows outside the first 75 bars of their pair's history.**`, '',
    d.quality.length === 0 ? 'No BQX rows yet.' : table(
      ['pair', 'rows', 'rows with NULLs', 'NULLs outside first 75 bars', 'first NULL', 'last NULL', 'bad bars'],
      d.quality.map((q) => [q.pair, formatInt(n(q.rows_total)), formatInt(n(q.null_rows)), formatInt(n(q.misplaced_null_rows)),
        iso(q.first_null_ts), iso(q.last_null_ts), formatInt(n(q.bad_bars))])), '');

  const st = d.storage.reduce((a, s) => ({ t: a.t + n(s.table_bytes), i: a.i + n(s.index_bytes) }), { t: 0, i: 0 });
  out.push('## Storage', '', d.storage.length === 0 ? 'No BQX partitions yet.' : table(
    ['pair', 'month leaves', 'live rows', 'table', 'indexes', 'total'],
    [...d.storage.map((s) => [s.pair, s.months, formatInt(n(s.live_rows)), bytes(n(s.table_bytes)), bytes(n(s.index_bytes)), bytes(n(s.total_bytes))]),
      ['**total**', d.storage.reduce((a, s) => a + n(s.months), 0), formatInt(d.storage.reduce((a, s) => a + n(s.live_rows), 0)),
        bytes(st.t), bytes(st.i), bytes(st.t + st.i)]]), '');

  out.push('## Failures', '', d.failed.length === 0 ? 'No failed jobs.' : table(
    ['pair', 'month', 'attempts', 'SQLSTATE', 'error'],
    d.failed.map((f) => [f.pair, f.month, f.attempts, f.last_sqlstate ?? '-', f.last_error ?? '-'])), '');

  out.push('## Verification', '');
  if (!d.verifyAvailable) out.push('Verification was not run: bqx.verify is not installed in this database.', '');
  else if (!d.verify || d.verify.months === 0) out.push('Verification was not run (no done pair-month, or it was skipped).', '');
  else {
    const failedChecks = d.verify.rows.filter((r) => !r.ok);
    out.push(`bqx.verify checked the ${d.verify.months} most recent pair-months: ${d.verify.rows.length - failedChecks.length}/${d.verify.rows.length} checks passed.`, '');
    const byCheck = new Map<string, { ok: number; total: number }>();
    for (const r of d.verify.rows) {
      const c = byCheck.get(r.check) ?? { ok: 0, total: 0 };
      c.total++;
      if (r.ok) c.ok++;
      byCheck.set(r.check, c);
    }
    out.push(table(['check', 'passed'], [...byCheck].map(([k, v]) => [k, `${v.ok}/${v.total}`])), '');
    if (failedChecks.length) {
      out.push(table(['pair', 'month', 'check', 'expected', 'actual', 'detail'],
        failedChecks.map((r) => [r.pair, r.month, r.check, r.expected ?? '-', r.actual ?? '-', r.detail ?? '-'])), '');
    }
  }
  return out.join('\n');
}
