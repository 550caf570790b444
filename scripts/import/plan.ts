// The months an import made stale -> the `bqx backfill` commands to run.
import type pg from 'pg';
import type { FileCounts } from './counts.js';

export interface PairMonths {
  pair: string;
  months: string[];
}

/** Per pair, the months to backfill: the changed months plus each already-backfilled next month. */
export async function monthsToBackfill(client: pg.ClientBase, files: readonly FileCounts[]): Promise<PairMonths[]> {
  const changed = new Map<string, Set<string>>();
  for (const f of files) {
    const s = changed.get(f.pair) ?? new Set<string>();
    for (const m of f.monthsChanged) s.add(m);
    changed.set(f.pair, s);
  }
  const out: PairMonths[] = [];
  for (const [pair, set] of [...changed].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (set.size === 0) continue;
    const r = await client.query('select m from bqx_internal.import_backfill_months($1, $2) m', [pair, [...set]]);
    out.push({ pair, months: r.rows.map((x) => x.m as string) });
  }
  return out;
}

function nextMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

/** Months -> [from, to] spans of consecutive months (each span one backfill command). */
export function consecutiveMonthSpans(months: readonly string[]): [string, string][] {
  const sorted = [...new Set(months)].sort();
  const runs: [string, string][] = [];
  for (const m of sorted) {
    const last = runs[runs.length - 1];
    if (last && nextMonth(last[1]) === m) last[1] = m;
    else runs.push([m, m]);
  }
  return runs;
}

/** `bqx backfill --pairs A,B --from X --to Y --force` lines (--force: re-run months already done); pairs with the same runs share a line. */
export function backfillCommands(plan: readonly PairMonths[]): string[] {
  const byRuns = new Map<string, string[]>();
  for (const p of plan) {
    for (const [from, to] of consecutiveMonthSpans(p.months)) {
      const key = `${from} ${to}`;
      byRuns.set(key, [...(byRuns.get(key) ?? []), p.pair]);
    }
  }
  return [...byRuns].sort().map(([key, pairs]) => {
    const [from, to] = key.split(' ');
    return `bqx backfill --pairs ${pairs.join(',')} --from ${from} --to ${to} --force`;
  });
}
