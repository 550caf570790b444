// Entry of the PLV8 bundle (dist/plv8/bqx-kernel.js, built by build.mjs as one IIFE with
// no imports). Evaluating the bundle defines globalThis.bqxKernel; sql/plv8/*.sql splice
// it into their LANGUAGE plv8 bodies behind `if (!globalThis.bqxKernel) { ... }`, so a
// backend evaluates it once and every later call reuses it.
//
// NaN (the kernel's NULL) becomes null here: NaN never reaches SQL as a value.

import { computeFeatures, type RateInput } from './kernel.js';
import { BQX_COLUMNS, FEATURE_COLUMNS, MAX_LOOKBACK, WINDOWS } from './spec.js';

/** The part of PLV8's `plv8` object the kernel uses. */
export interface Plv8Api {
  return_next(row: Record<string, unknown>): void;
  execute(sql: string, args?: unknown[]): unknown;
}

/** One bqx.bqx row as PLV8 takes it: column name -> value, null for NULL. */
export type Plv8Row = Record<string, unknown>;

/** A timestamptz as PLV8 hands it over (a Date), or anything with getTime(). */
export interface TimestampLike {
  getTime(): number;
}

/** Bundle format version: bump when the bqxKernel surface changes. */
export const BUNDLE_VERSION = 1;

function forEachRow(
  pair: string,
  ts: ArrayLike<unknown>,
  rates: RateInput,
  firstWanted: number,
  sink: (row: Plv8Row) => void,
): number {
  const result = computeFeatures(rates, firstWanted);
  const cols = FEATURE_COLUMNS.map((c) => result.columns[c]);
  const nCols = cols.length;
  for (let k = 0; k < result.length; k++) {
    const i = result.index[k];
    const row: Plv8Row = { pair, ts_utc: ts[i], rate: rates[i] };
    for (let j = 0; j < nCols; j++) {
      const v = cols[j][k];
      row[FEATURE_COLUMNS[j]] = v === v ? v : null;
    }
    sink(row);
  }
  return result.length;
}

/** Rows (40 columns, spec order) for the good bars at 0-based index >= firstWanted. */
function rows(pair: string, ts: ArrayLike<unknown>, rates: RateInput, firstWanted: number): Plv8Row[] {
  const out: Plv8Row[] = [];
  forEachRow(pair, ts, rates, firstWanted, (row) => out.push(row));
  return out;
}

/** Like rows(), but hands each row to plv8.return_next; returns the row count. */
function emit(plv8: Plv8Api, pair: string, ts: ArrayLike<unknown>, rates: RateInput, firstWanted: number): number {
  return forEachRow(pair, ts, rates, firstWanted, (row) => plv8.return_next(row));
}

class Plv8InputError extends Error {
  constructor(
    readonly sqlstate: string,
    message: string,
    readonly detail: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Raises through bqx_internal.raise_error so the error carries a real SQLSTATE. */
function raise(plv8: Plv8Api, e: Plv8InputError): never {
  plv8.execute('select bqx_internal.raise_error($1, $2, $3, $4)', [e.sqlstate, e.message, e.detail, e.hint]);
  // raise_error always raises; this is only reached if it did not.
  throw new Error(`${e.sqlstate}: ${e.message}`);
}

/** Checks the arguments of bqx_internal.engine_plv8; throws Plv8InputError. */
function validate(pair: unknown, ts: unknown, rates: unknown, firstWanted: unknown): void {
  const fn = 'bqx_internal.engine_plv8';
  const isNull = (x: unknown) => x === null || x === undefined;
  for (const [name, value] of [
    ['p_pair', pair],
    ['p_ts', ts],
    ['p_rate', rates],
    ['p_first_wanted', firstWanted],
  ] as const) {
    if (isNull(value)) {
      throw new Plv8InputError('22004', `${fn}: ${name} must not be NULL`, `${name} is NULL.`, 'Pass a value for every argument.');
    }
  }
  if (typeof pair !== 'string' || pair.length === 0) {
    throw new Plv8InputError('22023', `${fn}: p_pair must be a non-empty text`, `p_pair is ${JSON.stringify(pair)}.`, 'Pass a pair such as EURUSD.');
  }
  const tsArr = ts as ArrayLike<unknown>;
  const rateArr = rates as ArrayLike<unknown>;
  if (typeof tsArr.length !== 'number' || typeof rateArr.length !== 'number') {
    throw new Plv8InputError('22023', `${fn}: p_ts and p_rate must be one-dimensional arrays`, '', '');
  }
  if (tsArr.length !== rateArr.length) {
    throw new Plv8InputError(
      '22023',
      `${fn}: p_ts and p_rate must have the same length`,
      `p_ts has ${tsArr.length} elements, p_rate has ${rateArr.length}.`,
      'Pass one timestamp per rate, in time order.',
    );
  }
  const n = rateArr.length;
  const fw = firstWanted as number;
  if (typeof fw !== 'number' || !Number.isInteger(fw) || fw < 0 || fw > n) {
    throw new Plv8InputError(
      '22023',
      `${fn}: p_first_wanted must be between 0 and ${n}`,
      `p_first_wanted is ${String(fw)}; the arrays have ${n} elements.`,
      `p_first_wanted is the number of leading lookback bars (the 0-based position of the first bar to output; ${n} means no row); pass at least ${MAX_LOOKBACK} good lookback bars.`,
    );
  }
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = tsArr[i] as TimestampLike | null | undefined;
    const ms = t === null || t === undefined || typeof t.getTime !== 'function' ? NaN : t.getTime();
    if (!(ms > prev)) {
      throw new Plv8InputError(
        '22023',
        `${fn}: p_ts must be non-NULL and strictly increasing`,
        `p_ts[${i + 1}] is ${t === null || t === undefined ? 'NULL' : String(t)}, after ${i === 0 ? 'nothing' : String(tsArr[i - 1])}.`,
        'Pass the bars of one pair ordered by ts_utc, without duplicates.',
      );
    }
    prev = ms;
  }
}

/**
 * Body of bqx_internal.engine_plv8(p_pair, p_ts, p_rate, p_first_wanted): validates,
 * then return_next()s one bqx.bqx row per good bar after the first p_first_wanted
 * (lookback) elements, i.e. at 0-based index >= p_first_wanted, like computeFeatures.
 */
function engine(plv8: Plv8Api, pair: unknown, ts: unknown, rates: unknown, firstWanted: unknown): number {
  try {
    validate(pair, ts, rates, firstWanted);
  } catch (e) {
    if (e instanceof Plv8InputError) raise(plv8, e);
    throw e;
  }
  return emit(plv8, pair as string, ts as ArrayLike<unknown>, rates as RateInput, firstWanted as number);
}

export const bqxKernel = {
  version: BUNDLE_VERSION,
  columns: BQX_COLUMNS,
  featureColumns: FEATURE_COLUMNS,
  windows: WINDOWS,
  maxLookback: MAX_LOOKBACK,
  computeFeatures,
  rows,
  emit,
  engine,
};

export type BqxKernelGlobal = typeof bqxKernel;

// PLV8 3.x has globalThis; the fallback covers older V8.
const root: Record<string, unknown> =
  typeof globalThis === 'object' ? (globalThis as unknown as Record<string, unknown>) : Function('return this')();
root.bqxKernel = bqxKernel;
