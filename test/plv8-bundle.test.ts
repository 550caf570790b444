// The PLV8 function as PLV8 runs it, without a database: the rendered
// sql/plv8/engine_plv8.sql body is evaluated in a Node vm context whose only globals are
// what PLV8 offers (a `plv8` object and the elog level constants; no require, process,
// module), wrapped as a function of the SQL argument names and called with JS arrays
// (Date objects for timestamptz), as PLV8 does. Its rows must equal the kernel's.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BUNDLE_PLACEHOLDER,
  kernelBundle,
  plv8FunctionBody,
  renderPlv8Sql,
} from '../scripts/lib/plv8-bundle.js';
import { computeFeatures } from '../plv8-src/kernel.js';
import { BQX_COLUMNS, FEATURE_COLUMNS } from '../plv8-src/spec.js';
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

const SQL_FILE = 'sql/plv8/engine_plv8.sql';

interface ExecuteCall {
  sql: string;
  args: unknown[];
}

/** A PLV8-like backend: one vm context (one per backend), a plv8 object that records calls. */
function plv8Backend(body: string, argNames: string[]) {
  const returned: Record<string, unknown>[] = [];
  const executed: ExecuteCall[] = [];
  const plv8 = {
    return_next(row: Record<string, unknown>) {
      returned.push(row);
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

/** The kernel's rows, as the SQL function must return them (NaN -> null). */
function expectedRows(pair: string, ts: Date[], rates: readonly RateValue[], firstWanted: number) {
  const k = computeFeatures(rates, firstWanted);
  const rows: Record<string, unknown>[] = [];
  for (let r = 0; r < k.length; r++) {
    const i = k.index[r];
    const row: Record<string, unknown> = { pair, ts_utc: ts[i].getTime(), rate: rates[i] };
    for (const c of FEATURE_COLUMNS) {
      const v = k.columns[c][r];
      row[c] = Number.isNaN(v) ? null : v;
    }
    rows.push(row);
  }
  return rows;
}

/** Rows from the vm realm equal the kernel's, bit for bit (Object.is), columns in spec order. */
function assertSameRows(got: Record<string, unknown>[], expected: Record<string, unknown>[]): void {
  expect(got.length).toBe(expected.length);
  for (let r = 0; r < got.length; r++) {
    const keys = Object.keys(got[r]);
    if (keys.join() !== BQX_COLUMNS.join()) throw new Error(`row ${r}: columns ${keys.join()}`);
    for (const c of BQX_COLUMNS) {
      let v = got[r][c];
      if (v !== null && typeof v === 'object' && 'getTime' in v) v = (v as Date).getTime();
      if (!Object.is(v, expected[r][c])) {
        throw new Error(`row ${r} column ${c}: PLV8 body gave ${String(v)}, kernel ${String(expected[r][c])}`);
      }
    }
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
    expect(fn.name).toBe('bqx_internal.engine_plv8');
    expect(fn.args).toEqual(['p_pair', 'p_ts', 'p_rate', 'p_first_wanted']);
    expect(rendered).toMatch(/returns setof bqx\.bqx/i);
    expect(rendered).toMatch(/set search_path = ''/i);
    expect(rendered).toMatch(/comment on function bqx_internal\.engine_plv8\(text, timestamptz\[\], double precision\[\], integer\)/i);
  });

  it('refuses SQL without the placeholder and bundles with the dollar tag', () => {
    expect(() => renderPlv8Sql('create function f() returns int language plv8 as $plv8$ return 1 $plv8$;', bundle)).toThrow(/placeholder/);
    expect(() => renderPlv8Sql(`$plv8$ ${BUNDLE_PLACEHOLDER} $plv8$`, 'globalThis.bqxKernel = "$plv8$";')).toThrow(/dollar-quote/);
    expect(() => renderPlv8Sql(`$plv8$ ${BUNDLE_PLACEHOLDER} $plv8$`, 'var x = require("fs"); bqxKernel')).toThrow(/self-contained/);
    // `$&` in a bundle must be copied literally, not interpreted as a replacement pattern.
    expect(renderPlv8Sql(`$plv8$ ${BUNDLE_PLACEHOLDER} $plv8$`, 'var bqxKernel = "$&";')).toBe('$plv8$ var bqxKernel = "$&"; $plv8$');
  });
});

describe('engine_plv8 body in a PLV8-like vm context', () => {
  it('has no Node globals to lean on', () => {
    const backend = plv8Backend('return [typeof require, typeof process, typeof module, typeof plv8];', []);
    const probe = vm.runInContext('[typeof require, typeof process, typeof module, typeof plv8]', backend.context);
    expect(Array.from(probe as string[])).toEqual(['undefined', 'undefined', 'undefined', 'object']);
  });

  it('random JPY data with bad bars and lookback: rows equal the kernel', () => {
    const n = 20_000;
    const rates = sprinkleBadBars(mulberry32(11), jpySeries(12, n), 0.02);
    const ts = minuteTimestamps(n);
    const backend = plv8Backend(fn.body, fn.args);
    for (const first of [0, 75, 10_000, n]) {
      const got = backend.call('USDJPY', ts, rates, first);
      assertSameRows(got, expectedRows('USDJPY', ts, rates, first));
      if (got.length > 0) {
        expect(Object.keys(got[0])).toEqual(BQX_COLUMNS);
        // ts_utc is the Date PLV8 handed in.
        expect(got[0].ts_utc).toBeInstanceOf(Date);
      }
      const nonFinite = got.flatMap((row) => Object.values(row)).filter((v) => typeof v === 'number' && !Number.isFinite(v));
      expect(nonFinite).toEqual([]);
    }
  });

  it('flat runs: stdev exactly 0 survives the bundle', () => {
    const n = 5_000;
    const rates = flatRunSeries(13, n);
    const ts = minuteTimestamps(n);
    const got = plv8Backend(fn.body, fn.args).call('EURJPY', ts, rates, 0);
    assertSameRows(got, expectedRows('EURJPY', ts, rates, 0));
    expect(got.some((r) => Object.is(r.w75_bqx_stdev, 0))).toBe(true);
  });

  for (const pair of ['EURUSD', 'USDJPY']) {
    it(`real ${pair} 2019 bars (first 35k, one month after 75 lookback)`, async () => {
      const bars = await readHistdataCloses(pair, 2019, 35_000);
      const got = plv8Backend(fn.body, fn.args).call(pair, bars.ts, bars.rate, 75);
      expect(got).toHaveLength(bars.rate.length - 75);
      assertSameRows(got, expectedRows(pair, bars.ts, bars.rate, 75));
    });
  }

  it('evaluates the bundle once per backend', () => {
    const backend = plv8Backend(fn.body, fn.args);
    const ts = minuteTimestamps(200);
    const rates = jpySeries(14, 200);
    backend.call('USDJPY', ts, rates, 0);
    const kernel = vm.runInContext('globalThis.bqxKernel', backend.context);
    expect(kernel).toBeTruthy();
    // Tag the loaded kernel: a re-evaluation would replace the object and lose the tag.
    vm.runInContext('globalThis.bqxKernel.__probe = 42', backend.context);
    const second = backend.call('USDJPY', ts, rates, 100);
    expect(second).toHaveLength(100);
    expect(vm.runInContext('globalThis.bqxKernel', backend.context)).toBe(kernel);
    expect(vm.runInContext('globalThis.bqxKernel.__probe', backend.context)).toBe(42);
  });

  it('bad input goes through bqx_internal.raise_error with a SQLSTATE', () => {
    const backend = plv8Backend(fn.body, fn.args);
    const ts = minuteTimestamps(3);
    const cases: [unknown[], string, RegExp][] = [
      [['EURUSD', ts, [1.1, 1.2], 0], '22023', /same length/],
      [['EURUSD', ts, [1.1, 1.2, 1.3], 4], '22023', /p_first_wanted must be between 0 and 3/],
      [['EURUSD', ts, [1.1, 1.2, 1.3], -1], '22023', /p_first_wanted/],
      [['EURUSD', ts, [1.1, 1.2, 1.3], null], '22004', /p_first_wanted must not be NULL/],
      [[null, ts, [1.1, 1.2, 1.3], 0], '22004', /p_pair must not be NULL/],
      [['EURUSD', null, [1.1], 0], '22004', /p_ts must not be NULL/],
      [['EURUSD', [ts[1], ts[0], ts[2]], [1.1, 1.2, 1.3], 0], '22023', /strictly increasing/],
      [['EURUSD', [ts[0], null, ts[2]], [1.1, 1.2, 1.3], 0], '22023', /strictly increasing/],
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
      expect(String(call.args[1])).toMatch(/^bqx_internal\.engine_plv8: /);
    }
    // NULL rates and empty arrays are not errors.
    expect(backend.call('EURUSD', [], [], 0)).toEqual([]);
    expect(backend.call('EURUSD', ts, [null, NaN, 0], 0)).toEqual([]);
  });
});
