// One source of truth: plv8-src/spec.ts defines the columns, the windows and the
// constants. The SQL that repeats them (the table, both engines' unrolled windows, the
// live upsert's column list, verify's tolerance, the sign epsilon) is proven equal to it
// here, so an edit of spec.ts that is not carried into SQL fails this file.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ABS_TOL,
  BQX_COLUMNS,
  FEATURE_COLUMNS,
  REL_TOL,
  SIGN_EPSILON,
  WINDOWS,
  WINDOW_COLUMNS,
} from '../plv8-src/spec.js';
import { sqlDir } from '../scripts/lib/paths.js';
import { routineFiles } from '../scripts/lib/routines.js';
import { testDatabase, type TestDb } from './support/db.js';

const files = routineFiles().map((f) => ({ path: relative(sqlDir, f.path), text: readFileSync(f.path, 'utf8') }));
const file = (path: string) => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`sql/${path} is gone: update test/spec-sync.test.ts`);
  return f.text;
};
/** Every w{W}_bqx_{metric} identifier of a SQL text. */
const windowColumnsIn = (text: string) => new Set(text.match(/\bw\d+_bqx_[a-z]+\b/g) ?? []);

let db: TestDb;
beforeAll(async () => { db = await testDatabase('spec'); });
afterAll(async () => { await db?.end(); });

describe('SQL equals plv8-src/spec.ts', () => {
  it('bqx.bqx has the 40 columns of the spec, in order, with their types', async () => {
    const r = await db.query(`
      select a.attname as name, pg_catalog.format_type(a.atttypid, a.atttypmod) as type
        from pg_catalog.pg_attribute a
       where a.attrelid = 'bqx.bqx'::regclass and a.attnum > 0 and not a.attisdropped
       order by a.attnum`);
    expect(r.rows.map((x) => x.name)).toEqual([...BQX_COLUMNS]);
    const types = Object.fromEntries(r.rows.map((x) => [x.name, x.type]));
    expect(types.ts_utc).toBe('timestamp with time zone');
    expect(types.agg_sign_balance).toBe('integer');
    for (const c of FEATURE_COLUMNS.filter((x) => x !== 'agg_sign_balance')) expect(types[c], c).toBe('double precision');
  });

  it('every window column named in sql/ is a spec column', () => {
    const unknown = files.flatMap((f) => [...windowColumnsIn(f.text)].filter((c) => !WINDOW_COLUMNS.includes(c as never)).map((c) => `${f.path}: ${c}`));
    expect(unknown).toEqual([]);
  });

  it('both engines and the live upsert unroll exactly the spec windows, every metric of each', () => {
    for (const path of ['20_engine/10_engine_sql_ranges.sql', 'plv8/20_engine_plv8.sql', '20_engine/50_upsert_ranges.sql']) {
      expect([...windowColumnsIn(file(path))].sort(), path).toEqual([...WINDOW_COLUMNS].sort());
    }
    // the SQL engine's window sizes: one divisor W - 1 per window for the sample variance
    const sqlEngine = file('20_engine/10_engine_sql_ranges.sql');
    for (const w of WINDOWS) expect(sqlEngine, `w${w}`).toContain(`end / ${w - 1}) / f.rate end as w${w}_bqx_stdev`);
    // the PLV8 engine's avg = return / W
    const plv8Engine = file('plv8/20_engine_plv8.sql');
    for (const w of WINDOWS) expect(plv8Engine, `w${w}`).toContain(`else w.ret_${w} / ${w} end as w${w}_bqx_avg`);
  });

  it('the live upsert rewrites every column but the key', () => {
    const upsert = file('20_engine/50_upsert_ranges.sql');
    for (const c of BQX_COLUMNS.filter((x) => x !== 'pair' && x !== 'ts_utc')) expect(upsert, c).toContain(`${c} = excluded.${c}`);
  });

  it('the sign epsilon and the tolerance are the spec numbers', () => {
    const eps = String(SIGN_EPSILON);
    expect(Number(eps)).toBe(SIGN_EPSILON);
    for (const path of ['20_engine/10_engine_sql_ranges.sql', 'plv8/20_engine_plv8.sql', '60_verify/verify_direct.sql']) {
      const literals = file(path).match(/\d(?:\.\d+)?e-\d+/g) ?? [];
      expect(literals.length, path).toBeGreaterThan(0);
      expect(new Set(literals), path).toEqual(new Set([eps]));
    }
    // verify's sample check: |a - b| <= ABS_TOL + REL_TOL * |b|
    expect(file('60_verify/verify_sample.sql')).toContain(`<= ${ABS_TOL} + ${REL_TOL} * pg_catalog.abs(d.value)`);
  });
});
