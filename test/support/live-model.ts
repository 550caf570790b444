// The live and catch-up tests keep a model of the bars the source should hold (pair ->
// minute -> rate) and check that the stored rows equal the kernel over that whole history.
import type pg from 'pg';
import { expect } from 'vitest';
import { FEATURE_COLUMNS } from '../../plv8-src/spec.js';
import { kernelRows, readBqx } from './bars.js';
import { compareRows } from './naive.js';

export const MINUTE = 60_000;
/** Bounds wide enough to read a pair's whole stored history. */
export const FAR_PAST = new Date(Date.UTC(1990, 0, 1));
export const FAR_FUTURE = new Date(Date.UTC(2100, 0, 1));

export type Queryable = Pick<pg.Pool, 'query'> | pg.Client;
/** One source bar; rate null (or NaN, 0, ...) is a bad bar. */
export interface Bar { pair: string; ts: number; rate: number | null }
/** pair -> (ts ms -> rate), the bars the source should hold */
export type Model = Map<string, Map<number, number | null>>;

export function newModel(pairs: readonly string[]): Model {
  return new Map(pairs.map((p) => [p, new Map()]));
}

/** A rate as query text: String() keeps every digit of a double (and NaN, Infinity). */
export const rateText = (r: number | null): string | null => (r === null ? null : String(r));

export const iso = (t: number): string => new Date(t).toISOString();

/** One INSERT of the bars into bqx.m1 (one statement: the live trigger fires once). */
export async function insertBars(db: Queryable, bars: readonly Bar[]): Promise<void> {
  await db.query(
    `insert into bqx.m1 (pair, ts_utc, rate)
     select * from unnest($1::text[], $2::timestamptz[], $3::float8[])`,
    [bars.map((b) => b.pair), bars.map((b) => iso(b.ts)), bars.map((b) => rateText(b.rate))]);
}

/** The model after the bars were written (a later bar of the same minute wins). */
export function applyBars(model: Model, bars: readonly Bar[]): void {
  for (const b of bars) model.get(b.pair)!.set(b.ts, b.rate);
}

/** Stored rows of `pair` equal the kernel over the model's whole history (spec tolerance). */
export async function expectFullRecompute(db: Queryable, model: Model, pair: string, context: string): Promise<void> {
  const entries = [...model.get(pair)!.entries()].sort((a, b) => a[0] - b[0]);
  const expected = kernelRows(entries.map(([t]) => new Date(t)), entries.map(([, r]) => r), FAR_PAST, FAR_FUTURE);
  const stored = await readBqx(db as Pick<pg.Pool, 'query'>, pair, FAR_PAST, FAR_FUTURE);
  expect(stored.map((r) => r.ts), `${context}: ${pair} row timestamps`).toEqual(expected.map((r) => r.ts));
  expect(stored.map((r) => r.rate), `${context}: ${pair} rates`).toEqual(expected.map((r) => r.rate));
  const report = compareRows(stored as unknown as Record<string, unknown>[], expected as unknown as Record<string, unknown>[], undefined, {
    columns: FEATURE_COLUMNS, labels: expected.map((r) => new Date(r.ts).toISOString()),
  });
  expect(report.mismatches, `${context}: ${pair}`).toEqual([]);
}
