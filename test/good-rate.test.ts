// One rule for a good rate everywhere (issue #12, item 1): finite and within
// [MIN_GOOD_RATE, MAX_GOOD_RATE] of plv8-src/spec.ts. bqx_internal.good_rate() is the SQL
// copy: its bounds are spec.ts's constants, it agrees with isGoodRate on every edge
// value (subnormals included), it is inlined into the scans (no SET clause), and every
// good-rate filter of sql/ calls it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGoodRate, MAX_GOOD_RATE, MIN_GOOD_RATE } from '../plv8-src/spec.js';
import { routineFiles } from '../scripts/lib/routines.js';
import { testDatabase, type TestDb } from './support/db.js';

let db: TestDb;
beforeAll(async () => { db = await testDatabase('good_rate'); });
afterAll(async () => { await db?.end(); });

/** the next double above (dir 1) or below (dir -1) a positive finite x */
function nextAfter(x: number, dir: 1 | -1): number {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  b.setBigUint64(0, b.getBigUint64(0) + BigInt(dir));
  return b.getFloat64(0);
}

const EDGES: (number | null)[] = [
  MIN_GOOD_RATE, MAX_GOOD_RATE,
  nextAfter(MIN_GOOD_RATE, -1), nextAfter(MIN_GOOD_RATE, 1), nextAfter(MAX_GOOD_RATE, -1), nextAfter(MAX_GOOD_RATE, 1),
  0, -0, -1, -MIN_GOOD_RATE, -1.1, 1, 1.1, 150.25, NaN, Infinity, -Infinity, null,
  1e308, 1.79e308, Number.MAX_VALUE, 1e-300, 1.1e-320, 5e-324, Number.MIN_VALUE, 1e-10, 1e10,
];

describe('good rate', () => {
  it('the SQL bounds are the constants of plv8-src/spec.ts', async () => {
    expect([MIN_GOOD_RATE, MAX_GOOD_RATE]).toEqual([1e-9, 1e9]);
    const r = await db.query(`select pg_get_functiondef('bqx_internal.good_rate(double precision)'::regprocedure) as def`);
    const bounds = [...(r.rows[0].def as string).matchAll(/(\S+)::double precision/g)].map((m) => Number(m[1]));
    expect(bounds).toEqual([MIN_GOOD_RATE, MAX_GOOD_RATE]);
  });

  it('bqx_internal.good_rate agrees with isGoodRate on every edge value (text round trip keeps every bit)', async () => {
    const text = EDGES.map((x) => (x === null ? null : Object.is(x, -0) ? '-0' : String(x)));
    const r = await db.query(
      `select u.i, u.x, bqx_internal.good_rate(u.x) as good, u.x::text as back
         from unnest($1::float8[]) with ordinality as u(x, i) order by u.i`, [text]);
    const sql = r.rows.map((x) => x.good);
    const js = EDGES.map((x) => (x === null ? null : isGoodRate(x)));
    expect(sql).toEqual(js);
    // the values reached Postgres unchanged, subnormals included
    expect(r.rows.map((x) => (x.back === null ? null : Number(x.back)))).toEqual(EDGES.map((x) => (x === null ? null : Object.is(x, -0) ? -0 : x)));
    expect(sql.filter((g) => g === true).length).toBe(7); // MIN, MAX, their inner neighbours, 1, 1.1, 150.25
  });

  it('is inlined: a plain SQL expression with no SET clause, immutable', async () => {
    const r = await db.query(`select p.provolatile, p.proconfig, l.lanname from pg_proc p join pg_language l on l.oid = p.prolang
                               where p.oid = 'bqx_internal.good_rate(double precision)'::regprocedure`);
    expect(r.rows[0]).toEqual({ provolatile: 'i', proconfig: null, lanname: 'sql' });
    const plan = await db.query(`explain (verbose, costs off) select * from bqx.m1 where bqx_internal.good_rate(rate)`);
    const text = plan.rows.map((x) => x['QUERY PLAN']).join('\n');
    expect(text).not.toMatch(/good_rate/);
    expect(text).toMatch(/rate >= '1e-09'::double precision/);
  });

  it('every good-rate filter in sql/ calls good_rate (no hand-written copy)', () => {
    const copies: string[] = [];
    for (const f of routineFiles()) {
      const text = readFileSync(f.path, 'utf8').replace(/--.*$/gm, '');
      if (/rate\s*>\s*0\b|rate\s*<\s*'Infinity'/i.test(text)) copies.push(f.path);
    }
    expect(copies).toEqual([]);
  });
});
