// What an import did with each line of a file, and the table printed at the end.

/** Kinds of lines; every data line of a file lands in exactly one of them. */
export const LINE_KINDS = [
  ['new', 'new bars stored'],
  ['identical', 'already in bqx.m1, same rate (untouched)'],
  ['changed', 'already in bqx.m1, other rate'],
  ['dup_identical', 'duplicate timestamp in the file, same rate'],
  ['dup_conflicting', 'duplicate timestamp in the file, other rate (last line wins)'],
  ['malformed', 'malformed lines (rejected)'],
  ['not_whole_minute', 'timestamps not on a whole minute (rejected)'],
  ['non_numeric_rate', 'non-numeric rates (rejected)'],
  ['bad_rate', 'rates not within [1e-9, 1e9] (rejected)'],
  ['bad_time', 'times outside [1900-01-01, 2200-01-01) UTC (rejected)'],
] as const;

export type LineKind = (typeof LINE_KINDS)[number][0];

export interface FileCounts extends Record<LineKind, number> {
  file: string;
  pair: string;
  format: string;
  tz: string;
  /** data lines (blank lines and the CSV header are not data lines) */
  lines: number;
  blank: number;
  /** lines whose bar is earlier than the line before (stored normally) */
  out_of_order: number;
  /** changed bars that took the file's rate (--update) */
  updated: number;
  bytes: number;
  seconds: number;
  /** months (YYYY-MM, UTC) whose stored bars changed: new or updated */
  monthsChanged: string[];
}

export function emptyCounts(file: string, pair: string, format: string, tz: string): FileCounts {
  const kinds = Object.fromEntries(LINE_KINDS.map(([k]) => [k, 0])) as Record<LineKind, number>;
  return { file, pair, format, tz, lines: 0, blank: 0, out_of_order: 0, updated: 0, bytes: 0, seconds: 0, monthsChanged: [], ...kinds };
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The report: one row per kind, one column per file (and a total when several). */
export function formatReport(files: readonly FileCounts[]): string {
  const cols = files.map((f) => `${f.pair} ${f.file.split('/').pop()}`);
  const multi = files.length > 1;
  if (multi) cols.push('total');
  const rows: [string, number[]][] = [];
  const add = (label: string, get: (f: FileCounts) => number) => {
    const v = files.map(get);
    if (multi) v.push(v.reduce((a, b) => a + b, 0));
    rows.push([label, v]);
  };
  add('data lines read', (f) => f.lines);
  for (const [k, label] of LINE_KINDS) add(label, (f) => f[k]);
  add('  of the changed: updated (--update)', (f) => f.updated);
  add('lines out of time order (stored)', (f) => f.out_of_order);
  add('blank lines (skipped)', (f) => f.blank);
  const w0 = Math.max(...rows.map((r) => r[0].length), 4);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => fmt(r[1][i]).length)));
  const out = [
    `| ${pad('', w0)} | ${cols.map((c, i) => pad(c, widths[i], true)).join(' | ')} |`,
    `|${'-'.repeat(w0 + 2)}|${widths.map((w) => `${'-'.repeat(w + 1)}:`).join('|')}|`,
    ...rows.map(([label, v]) => `| ${pad(label, w0)} | ${v.map((x, i) => pad(fmt(x), widths[i], true)).join(' | ')} |`),
  ];
  return out.join('\n');
}
