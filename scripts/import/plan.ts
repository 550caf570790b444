// The months an import made stale -> the `bqx backfill` runs. What to recompute is
// decided in SQL (bqx_internal.import_backfill_plan); this file only asks and formats.
import type pg from 'pg';
import type { FileCounts } from './counts.js';

export interface BackfillRun {
  pairs: string[];
  from: string;
  to: string;
}

/** The (pair, month) pairs whose bars the files changed, as the two arrays the SQL function takes. */
function changedMonths(files: readonly FileCounts[]): [string[], string[]] {
  const pairs: string[] = [];
  const months: string[] = [];
  for (const f of files) {
    for (const m of f.monthsChanged) {
      pairs.push(f.pair);
      months.push(m);
    }
  }
  return [pairs, months];
}

/** The backfill runs the imported files call for (none when they changed nothing). */
export async function backfillPlan(client: pg.ClientBase, files: readonly FileCounts[]): Promise<BackfillRun[]> {
  const [pairs, months] = changedMonths(files);
  if (pairs.length === 0) return [];
  const r = await client.query('select p.pairs, p.month_from, p.month_to from bqx_internal.import_backfill_plan($1, $2) p', [pairs, months]);
  return r.rows.map((x) => ({ pairs: x.pairs as string[], from: x.month_from as string, to: x.month_to as string }));
}

/** `bqx backfill --pairs A,B --from X --to Y --force` (--force: re-run months already done). */
export function backfillCommand(run: BackfillRun): string {
  return `bqx backfill --pairs ${run.pairs.join(',')} --from ${run.from} --to ${run.to} --force`;
}
