// Entry of the PLV8 bundle (dist/plv8/bqx-kernel.js, built by build.mjs as one IIFE with
// no imports). Evaluating the bundle defines globalThis.bqxKernel; sql/plv8/*.sql splice
// it into their LANGUAGE plv8 bodies behind `if (!globalThis.bqxKernel) { ... }`, so a
// backend evaluates it once and every later call reuses it.
//
// How rows cross from V8 into Postgres (measured on PLV8 3.1.10, see README "The engines"):
// plv8.return_next() of a 40-key object costs ~115 us per row (PLV8 matches every column
// name against every property name); a returned float8[] ~0.35 us per element (~0.2 us
// when the elements are already boxed, see doublesArray); an int4[] of small integers
// ~0.05 us per element; a typed array created in JS cannot be returned at all (it
// crashes PLV8 3.1.10). So the kernel hands over only what SQL cannot rebuild cheaply and
// exactly, as one row of plain arrays (see ColumnsRecord): the return and stdev of each
// window as doubles, and where each window's max and min rate lie, as small integers.
// sql/plv8/20_engine_plv8.sql rebuilds the 40 columns from those and the rates with the
// kernel's own IEEE operations (bit-identical, proven in test/engine-equivalence.test.ts).
//
// NaN (the kernel's NULL) stays NaN in the doubles (SQL maps it to NULL with nullif);
// NaN never reaches a table.

import { computeFeatures } from './kernel.js';
import { BQX_COLUMNS, FEATURE_COLUMNS, MAX_LOOKBACK, WINDOWS, isGoodRate, windowColumn, type Window } from './spec.js';

/** The part of PLV8's `plv8` object the kernel uses. */
export interface Plv8Api {
  execute(sql: string, args?: unknown[]): unknown;
}

/** Bundle format version: bump when the bqxKernel surface changes. */
export const BUNDLE_VERSION = 2;

/** Bits per offset in the packed max/min offsets (offsets are 1..75; 127 = window undefined). */
export const OFFSET_BITS = 7;
/** The offset that marks an undefined window: row position - 127 < 1, a NULL subscript in SQL. */
export const UNDEFINED_OFFSET = (1 << OFFSET_BITS) - 1;

/**
 * What bqx_internal.plv8_kernel returns for the rates after the first firstWanted (row k is
 * rate firstWanted + k, all rates good):
 *   ret_W, sd_W  w{W}_bqx_return and w{W}_bqx_stdev (doubles, NaN = NULL);
 *   mm_a, mm_b, mm_c  how far back (1..W bars) each window's max and min rate lie, packed
 *   7 bits each: mm_a = hi15 lo15 hi30 lo30, mm_b = hi45 lo45 hi60 lo60, mm_c = hi75 lo75
 *   (most significant first); UNDEFINED_OFFSET where the window is undefined.
 * Plain arrays: PLV8 converts them to float8[] / int4[].
 */
export type ColumnsRecord = Record<string, number[]>;

/** Name of the ColumnsRecord field (an OUT column of bqx_internal.plv8_kernel) of part `part` of window `w`. */
export function columnsField(part: 'ret' | 'sd', w: Window): string {
  return `${part}_${w}`;
}

/** The packed-offset fields and the windows each holds, most significant first. */
export const PACKED_FIELDS: readonly (readonly [string, readonly Window[]])[] = [
  ['mm_a', [15, 30]],
  ['mm_b', [45, 60]],
  ['mm_c', [75]],
];

/**
 * Outputs at least this long are written into arrays kept from the previous call (see
 * outputArray); shorter ones (live mode's few bars) get fresh arrays.
 */
export const REUSE_MIN_LENGTH = 4096;

const keptOutputs = new Map<string, unknown[]>();

/**
 * The array field `field` is returned in, of length n. A month's outputs are ~33k
 * elements: a fresh array's 264 KB of elements is a new V8 large-object page every call,
 * and on a virtual machine every first touch of a page is a page fault (~17 us on the
 * 2-core box here; the 13 fresh output arrays were ~40% of the kernel call's faults).
 * PLV8 copies the elements out before the call returns, so the next call may reuse the
 * array: its length is set to n (V8 keeps the elements' storage while n is at least about
 * half of what it was) and every element 0..n-1 is written again. Generic (boxed)
 * elements, see doublesArray.
 */
function outputArray(field: string, n: number): unknown[] {
  if (n < REUSE_MIN_LENGTH) {
    const fresh = new Array<unknown>(n);
    if (n > 0) fresh[0] = null;
    return fresh;
  }
  let out = keptOutputs.get(field);
  if (out === undefined) {
    out = new Array<unknown>(n);
    out[0] = null;
    keptOutputs.set(field, out);
  }
  out.length = n;
  return out;
}

/**
 * Doubles as a plain array whose elements are already boxed: PLV8 reads an array element
 * by element, and reading a double out of V8's unboxed double storage allocates a box
 * every time, which doubles the cost of the conversion. Storing a non-number first makes
 * V8 keep generic (boxed) elements (outputArray does).
 */
function doublesArray(field: string, src: Float64Array): number[] {
  const n = src.length;
  const out = outputArray(field, n);
  for (let i = 0; i < n; i++) out[i] = src[i];
  return out as number[];
}

/** The ColumnsRecord of the rates after the first firstWanted (every rate good). */
function columns(rates: ArrayLike<number>, firstWanted: number): ColumnsRecord {
  const result = computeFeatures(rates, firstWanted, true);
  const positions = result.positions!;
  const n = result.length;
  const out: ColumnsRecord = {};
  for (const w of WINDOWS) {
    out[columnsField('ret', w)] = doublesArray(columnsField('ret', w), result.columns[windowColumn(w, 'return')]);
    out[columnsField('sd', w)] = doublesArray(columnsField('sd', w), result.columns[windowColumn(w, 'stdev')]);
  }
  for (const [field, windows] of PACKED_FIELDS) {
    const packed = outputArray(field, n);
    for (let k = 0; k < n; k++) {
      const at = firstWanted + k;
      let v = 0;
      for (const w of windows) {
        const hi = positions[w].hi[k];
        const lo = positions[w].lo[k];
        v = (v << (2 * OFFSET_BITS)) | (hi < 0 ? (UNDEFINED_OFFSET << OFFSET_BITS) | UNDEFINED_OFFSET : ((at - hi) << OFFSET_BITS) | (at - lo));
      }
      packed[k] = v;
    }
    out[field] = packed as number[];
  }
  return out;
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

/** Checks the arguments of bqx_internal.plv8_kernel; throws Plv8InputError. */
function validate(rates: unknown, firstWanted: unknown): void {
  const fn = 'bqx_internal.plv8_kernel';
  for (const [name, value] of [
    ['p_rate', rates],
    ['p_first_wanted', firstWanted],
  ] as const) {
    if (value === null || value === undefined) {
      throw new Plv8InputError('22004', `${fn}: ${name} must not be NULL`, `${name} is NULL.`, 'Pass a value for every argument.');
    }
  }
  const arr = rates as ArrayLike<unknown>;
  const n = arr.length;
  if (typeof n !== 'number') {
    throw new Plv8InputError('22023', `${fn}: p_rate must be a one-dimensional array`, '', 'Pass the rates of one pair in time order.');
  }
  for (let i = 0; i < n; i++) {
    if (!isGoodRate(arr[i])) {
      throw new Plv8InputError(
        '22023',
        `${fn}: p_rate must hold good rates only`,
        `p_rate[${i + 1}] is ${String(arr[i])}.`,
        'Pass the good bars of bqx_internal.source_arrays (bad bars get no row and are left out before the engine).',
      );
    }
  }
  const fw = firstWanted as number;
  if (typeof fw !== 'number' || !Number.isInteger(fw) || fw < 0 || fw > n) {
    throw new Plv8InputError(
      '22023',
      `${fn}: p_first_wanted must be between 0 and ${n}`,
      `p_first_wanted is ${String(fw)}; p_rate has ${n} elements.`,
      `p_first_wanted is the number of leading lookback bars (the 0-based position of the first bar to output; ${n} means no row); pass at least ${MAX_LOOKBACK} good lookback bars.`,
    );
  }
}

/**
 * Body of bqx_internal.plv8_kernel(p_rate, p_first_wanted): validates, then returns the
 * ColumnsRecord of the good bars after the first p_first_wanted (lookback) elements.
 */
function kernel(plv8: Plv8Api, rates: unknown, firstWanted: unknown): ColumnsRecord {
  try {
    validate(rates, firstWanted);
  } catch (e) {
    if (e instanceof Plv8InputError) raise(plv8, e);
    throw e;
  }
  return columns(rates as ArrayLike<number>, firstWanted as number);
}

export const bqxKernel = {
  version: BUNDLE_VERSION,
  columns: BQX_COLUMNS,
  featureColumns: FEATURE_COLUMNS,
  windows: WINDOWS,
  maxLookback: MAX_LOOKBACK,
  computeFeatures,
  kernel,
};

export type BqxKernelGlobal = typeof bqxKernel;

// PLV8 3.x has globalThis; the fallback covers older V8.
const root: Record<string, unknown> =
  typeof globalThis === 'object' ? (globalThis as unknown as Record<string, unknown>) : Function('return this')();
root.bqxKernel = bqxKernel;
