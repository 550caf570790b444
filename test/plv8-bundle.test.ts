// The PLV8 function as PLV8 runs it, without a database: the rendered
// sql/plv8/10_plv8_kernel.sql body is evaluated in a Node vm context whose only globals
// are what PLV8 offers (a `plv8` object and the elog level constants; no require,
// process, module), wrapped as a function of the SQL argument names and called with JS
// arrays, as PLV8 does. What it hands to SQL must be the kernel's numbers: each window's
// return and stdev as they are, the packed offsets pointing at the kernel's max and min.
// (On a real PLV8, test/engine-equivalence.test.ts compares the stored rows bit for bit.)

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BUNDLE_PLACEHOLDER,
  kernelBundle,
  renderPlv8Sql,
} from '../scripts/lib/plv8-bundle.js';
import { plv8FunctionBody } from './support/plv8-body.js';
import { computeFeatures } from '../plv8-src/kernel.js';
import { PACKED_FIELDS, columnsField } from '../plv8-src/plv8-entry.js';
import { WINDOWS, isGoodRate, windowColumn } from '../plv8-src/spec.js';
import { projectRoot } from '../scripts/lib/paths.js';
import { readHistdataCloses } from './support/histdata.js';
import {
  flatRunSeries,
  jpySeries,
  minuteTimestamps,
  mulberry32,
  sprinkleBadBars,
  type RateValue,
} from './support/random-series.js';

// Long series; no database needed, so this file also runs without the project's vitest config.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const SQL_FILE = 'sql/plv8/10_plv8_kernel.sql';

interface ExecuteCall {
  sql: string;
  args: unknown[];
}

/** A PLV8-like backend: one vm context (one per backend), a plv8 object that records calls. */
function plv8Backend(body: string, argNames: string[]) {
  const returned: Record<string, number[]>[] = [];
  const executed: ExecuteCall[] = [];
  const plv8 = {
    // PLV8 converts the row's arrays into SQL values inside return_next: copy them, as
    // the kernel may write the same arrays again in its next call
    return_next(row: Record<string, number[]>) {
      returned.push(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Array.from(v)])));
    },
    execute(sql: string, args: unknown[] = []) {
      executed.push({ sql, args });
      if (/bqx_internal\.raise_error/.test(sql)) {
        const err = new Error(String(args[1])) as Error & { sqlerrcode: string };
        err.sqlerrcode = String(args[0]);
        throw err;
      }
      return [];
    },
    elog() {},
    quote_ident: (s: string) => `"${s}"`,
    quote_literal: (s: string) => `'${s}'`,
    nullable: (s: string) => s,
  };
  const context = vm.createContext({
    plv8,
    DEBUG5: 10, DEBUG4: 11, DEBUG3: 12, DEBUG2: 13, DEBUG1: 14, LOG: 15, INFO: 17, NOTICE: 18, WARNING: 19, ERROR: 20,
  });
  const fn = vm.runInContext(`(function (${argNames.join(', ')}) {\n${body}\n})`, context, {
    filename: 'engine_plv8.sql',
  }) as (...args: unknown[]) => unknown;
  return {
    context,
    returned,
    executed,
    call(...args: unknown[]) {
      returned.length = 0;
      fn.call(context, ...args);
      return returned.slice();
    },
  };
}

/** The kernel's numbers for the rates after firstWanted (all good): the fields plv8_kernel must return. */
function expectedFields(rates: readonly number[], firstWanted: number): Record<string, number[]> {
  const k = computeFeatures(rates, firstWanted, true);
  const out: Record<string, number[]> = {};
  for (const w of WINDOWS) {
    out[columnsField('ret', w)] = Array.from(k.columns[windowColumn(w, 'return')]);
    out[columnsField('sd', w)] = Array.from(k.columns[windowColumn(w, 'stdev')]);
  }
  for (const [field, windows] of PACKED_FIELDS) {
    out[field] = Array.from({ length: k.length }, (_, row) => {
      let v = 0;
      for (const w of windows) {
        const hi = k.positions![w].hi[row];
        const lo = k.positions![w].lo[row];
        const at = firstWanted + row;
        v = v * 16384 + (hi < 0 ? 127 * 128 + 127 : (at - hi) * 128 + (at - lo));
      }
      return v;
    });
  }
  return out;
}

/** The one row the body return_next()s equals the kernel's fields, bit for bit (Object.is). */
function assertSameFields(got: Record<string, number[]>[], expected: Record<string, number[]>): void {
  expect(got).toHaveLength(1);
  expect(Object.keys(got[0]).sort()).toEqual(Object.keys(expected).sort());
  for (const [field, values] of Object.entries(expected)) {
    const actual = got[0][field];
    expect(actual.length, field).toBe(values.length);
    for (let i = 0; i < values.length; i++) {
      if (!Object.is(actual[i], values[i])) throw new Error(`${field}[${i}]: PLV8 body gave ${actual[i]}, kernel ${values[i]}`);
    }
  }
}

/** The max/min rates the packed offsets point at are the kernel's max and min. */
function assertOffsetsDecode(rates: readonly number[], firstWanted: number, got: Record<string, number[]>): void {
  const k = computeFeatures(rates, firstWanted);
  for (const [field, windows] of PACKED_FIELDS) {
    windows.forEach((w, j) => {
      const shift = 14 * (windows.length - 1 - j);
      for (let row = 0; row < k.length; row++) {
        const packed = Math.floor(got[field][row] / 2 ** shift) % 16384;
        const r = rates[firstWanted + row];
        const hiRate = rates[firstWanted + row - (packed >> 7)];
        const loRate = rates[firstWanted + row - (packed & 127)];
        const max = k.columns[windowColumn(w, 'max')][row];
        if (Number.isNaN(max)) {
          expect(firstWanted + row - (packed >> 7)).toBeLessThan(0);
          continue;
        }
        if (!Object.is((hiRate - r) / r, max) || !Object.is((loRate - r) / r, k.columns[windowColumn(w, 'min')][row])) {
          throw new Error(`${field} w${w} row ${row}: offsets do not point at the kernel's max/min`);
        }
      }
    });
  }
}

let rendered: string;
let fn: { name: string; args: string[]; body: string };
let bundle: string;

beforeAll(() => {
  // Build only the kernel bundle, exactly as npm run build does it.
  execFileSync(process.execPath, ['build.mjs', '--kernel'], { cwd: projectRoot, stdio: 'inherit' });
  bundle = kernelBundle();
  rendered = renderPlv8Sql(readFileSync(SQL_FILE, 'utf8'));
  fn = plv8FunctionBody(rendered);
});

describe('bundle and SQL rendering', () => {
  it('bundle is self-contained and safe to embed', () => {
    expect(bundle).not.toMatch(/\brequire\s*\(/);
    expect(bundle).not.toMatch(/^\s*import\s/m);
    expect(bundle).not.toContain('$plv8$');
    expect(bundle).toContain('bqxKernel');
  });

  it('renders the placeholder and parses the function', () => {
    expect(rendered).not.toContain(BUNDLE_PLACEHOLDER);
    expect(rendered).toContain(bundle);
    expect(fn.name).toBe('bqx_internal.plv8_kernel');
    expect(fn.args).toEqual(['p_rate', 'p_first_wanted']);
    expect(rendered).toMatch(/returns table \(/i);
    expect(rendered).toMatch(/set search_path = ''/i);
    expect(rendered).toMatch(/comment on function bqx_internal\.plv8_kernel\(double precision\[\], integer\)/i);
    // the OUT columns are exactly the fields the kernel hands over
    for (const field of [...WINDOWS.flatMap((w) => [columnsField('ret', w), columnsField('sd', w)]), ...PACKED_FIELDS.map(([f]) => f)]) {
      expect(rendered, field).toMatch(new RegExp(`\\b${field} (double precision|integer)\\[\\]`));
    }
  });

  it('refuses SQL without the placeholder and bundles with the dollar tag', () => {
    expect(() => renderPlv8Sql('create function f() returns int language plv8 as $plv8$ return 1 $plv8$;', bundle)).toThrow(/placeholder/);
    expect(() => renderPlv8Sql(`$plv8$ ${BUNDLE_PLACEHOLDER} $plv8$`, 'globalThis.bqxKernel = "$plv8$";')).toThrow(/dollar-quote/);
    expect(() => renderPlv8Sql(`$plv8$ ${BUNDLE_PLACEHOLDER} $plv8$`, 'var x = require("fs"); bqxKernel')).toThrow(/self-contained/);
    // `$&` in a bundle must be copied literally, not interpreted as a replacement pattern.
    expect(renderPlv8Sql(`$plv8$ ${BUNDLE_PLACEHOLDER} $plv8$`, 'var bqxKernel = "$&";')).toBe('$plv8$ var bqxKernel = "$&"; $plv8$');
  });
});

describe('plv8_kernel body in a PLV8-like vm context', () => {
  it('has no Node globals to lean on', () => {
    const backend = plv8Backend('return [typeof require, typeof process, typeof module, typeof plv8];', []);
    const probe = vm.runInContext('[typeof require, typeof process, typeof module, typeof plv8]', backend.context);
    expect(Array.from(probe as string[])).toEqual(['undefined', 'undefined', 'undefined', 'object']);
  });

  it('random JPY data with lookback: the fields equal the kernel, offsets point at its max and min', () => {
    const n = 20_000;
    const rates = jpySeries(12, n);
    const backend = plv8Backend(fn.body, fn.args);
    for (const first of [0, 75, 10_000, n]) {
      const got = backend.call(rates, first);
      assertSameFields(got, expectedFields(rates, first));
      assertOffsetsDecode(rates, first, got[0]);
    }
  });

  it('flat runs: stdev exactly 0 survives the bundle', () => {
    const rates = flatRunSeries(13, 5_000);
    const got = plv8Backend(fn.body, fn.args).call(rates, 0);
    assertSameFields(got, expectedFields(rates, 0));
    expect(got[0].sd_75.some((v) => Object.is(v, 0))).toBe(true);
  });

  for (const pair of ['EURUSD', 'USDJPY']) {
    it(`real ${pair} 2019 bars (first 35k, one month after 75 lookback)`, async () => {
      const bars = await readHistdataCloses(pair, 2019, 35_000);
      const rates = bars.rate.filter((r): r is number => typeof r === 'number' && isGoodRate(r));
      const got = plv8Backend(fn.body, fn.args).call(rates, 75);
      expect(got[0].ret_15).toHaveLength(rates.length - 75);
      assertSameFields(got, expectedFields(rates, 75));
      assertOffsetsDecode(rates, 75, got[0]);
    });
  }

  it('evaluates the bundle once per backend', () => {
    const backend = plv8Backend(fn.body, fn.args);
    const rates = jpySeries(14, 200);
    backend.call(rates, 0);
    const kernel = vm.runInContext('globalThis.bqxKernel', backend.context);
    expect(kernel).toBeTruthy();
    // Tag the loaded kernel: a re-evaluation would replace the object and lose the tag.
    vm.runInContext('globalThis.bqxKernel.__probe = 42', backend.context);
    const second = backend.call(rates, 100);
    expect(second[0].ret_15).toHaveLength(100);
    expect(vm.runInContext('globalThis.bqxKernel', backend.context)).toBe(kernel);
    expect(vm.runInContext('globalThis.bqxKernel.__probe', backend.context)).toBe(42);
  });

  it('gives each call its own numbers when a backend runs months of different lengths in a row', () => {
    // outputs of REUSE_MIN_LENGTH elements or more are written into the arrays of the
    // call before (plv8-entry.ts outputArray): longer, shorter, much shorter, longer again
    const backend = plv8Backend(fn.body, fn.args);
    for (const [seed, n, first] of [[21, 33_000, 75], [22, 30_000, 75], [23, 6_000, 75], [24, 3_000, 0], [25, 34_000, 75], [26, 31_000, 75]] as const) {
      const rates = jpySeries(seed, n);
      const got = backend.call(rates, first);
      expect(got[0].ret_15).toHaveLength(n - first);
      assertSameFields(got, expectedFields(rates, first));
    }
  });

  it('bad input goes through bqx_internal.raise_error with a SQLSTATE', () => {
    const backend = plv8Backend(fn.body, fn.args);
    const cases: [unknown[], string, RegExp][] = [
      [[[1.1, 1.2, 1.3], 4], '22023', /p_first_wanted must be between 0 and 3/],
      [[[1.1, 1.2, 1.3], -1], '22023', /p_first_wanted/],
      [[[1.1, 1.2, 1.3], null], '22004', /p_first_wanted must not be NULL/],
      [[null, 0], '22004', /p_rate must not be NULL/],
      [[[1.1, null, 1.3], 0], '22023', /good rates only/],
      [[[1.1, NaN, 1.3], 0], '22023', /good rates only/],
      [[[1.1, 0, 1.3], 0], '22023', /good rates only/],
    ];
    for (const [args, sqlstate, message] of cases) {
      backend.executed.length = 0;
      let thrown: (Error & { sqlerrcode?: string }) | undefined;
      try {
        backend.call(...args);
      } catch (e) {
        thrown = e as Error & { sqlerrcode?: string };
      }
      expect(thrown?.sqlerrcode, String(message)).toBe(sqlstate);
      expect(backend.executed).toHaveLength(1);
      const call = backend.executed[0];
      expect(call.sql).toMatch(/select bqx_internal\.raise_error\(\$1, ?\$2, ?\$3, ?\$4\)/);
      expect(call.args[0]).toBe(sqlstate);
      expect(String(call.args[1])).toMatch(message);
      expect(String(call.args[1])).toMatch(/^bqx_internal\.plv8_kernel: /);
    }
    // an empty array is not an error: no rows
    expect(backend.call([], 0)[0].ret_15).toEqual([]);
  });
});
