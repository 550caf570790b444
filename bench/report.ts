// What npm run bench prints: one line per figure, with its target and met/MISSED when it
// has one, and the summary of the targets at the end.
import type { Spread } from './stats.js';

interface Line { what: string; value: string; target?: string; ok?: boolean }
const lines: Line[] = [];

export function report(what: string, value: string, target?: string, ok?: boolean): void {
  lines.push({ what, value, target, ok });
  console.log(`  ${what}: ${value}${target ? `   (target ${target}: ${ok ? 'met' : 'MISSED'})` : ''}`);
}

export const fmt = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** '0.412 s (median of 5, range 0.398-0.455 s)' */
export const seconds = (s: Spread, digits = 3) =>
  `${fmt(s.median, digits)} s (median of ${s.runs}, range ${fmt(s.min, digits)}-${fmt(s.max, digits)} s)`;

export function summary(): void {
  const targets = lines.filter((l) => l.target);
  const missed = targets.filter((l) => !l.ok);
  console.log(`\n${targets.length} targets, ${missed.length} missed${missed.length ? `: ${missed.map((l) => l.what.trim()).join('; ')}` : ''}`);
}
