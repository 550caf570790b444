// The SQL conventions, checked on the installed catalog and on the files:
// every routine declares its volatility and `set search_path`, has a COMMENT, and
// internals are marked as such; every table and view has a COMMENT.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routineFiles } from '../scripts/lib/routines.js';
import { testDatabase, type TestDb } from './support/db.js';

// Routines that cannot carry a SET clause, each qualifying every name instead. Keep
// this list short and give the reason:
const NO_SET_CLAUSE = new Map([
  // a set-returning SQL function with SET is never inlined into its caller's query
  ['bqx_internal.engine_sql', 'inlined into the INSERT that writes the month'],
  ['bqx_internal.engine_sql_ranges', 'inlined into engine_sql and into the live upsert'],
  ['bqx_internal.engine_plv8', 'inlined into the INSERT that writes the month (PLV8 engine)'],
  // a scalar SQL function with SET is never inlined: it runs on every bar of every scan
  ['bqx_internal.good_rate', 'inlined into the good-bar filters of the engines, verify and live'],
  // PostgreSQL forbids COMMIT inside a procedure that has a SET clause
  ['bqx.work', 'COMMITs after every job'],
]);

let db: TestDb;
beforeAll(async () => { db = await testDatabase('conventions'); });
afterAll(async () => { await db?.end(); });

describe('SQL conventions', () => {
  it('every function and procedure sets search_path (or is a listed exception)', async () => {
    const r = await db.query(`
      select n.nspname || '.' || p.proname as name, p.prokind, p.proconfig
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname in ('bqx', 'bqx_internal') and p.prokind in ('f', 'p')`);
    expect(r.rowCount).toBeGreaterThan(10);
    const missing = r.rows
      .filter((x) => !NO_SET_CLAUSE.has(x.name) && !(x.proconfig ?? []).some((c: string) => c.startsWith('search_path=')))
      .map((x) => x.name);
    expect(missing).toEqual([]);
  });

  it('every routine, table and view in bqx and bqx_internal has a comment; internals say so', async () => {
    const r = await db.query(`
      select 'routine' as kind, n.nspname, p.oid::regprocedure::text as name, obj_description(p.oid, 'pg_proc') as comment
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname in ('bqx', 'bqx_internal')
      union all
      select 'relation', n.nspname, c.oid::regclass::text, obj_description(c.oid, 'pg_class')
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('bqx', 'bqx_internal') and c.relkind in ('r', 'p', 'v', 'm')
         and not c.relispartition`);
    const uncommented = r.rows.filter((x) => !x.comment).map((x) => `${x.kind} ${x.name}`);
    expect(uncommented).toEqual([]);
    const unmarked = r.rows.filter((x) => x.nspname === 'bqx_internal' && x.kind === 'routine' && !/^internal:/.test(x.comment ?? ''))
      .map((x) => x.name);
    expect(unmarked).toEqual([]);
  });

  it('every function in sql/ declares its volatility explicitly (never the VOLATILE-by-default trap)', () => {
    const offenders: string[] = [];
    for (const f of routineFiles()) {
      const text = readFileSync(f.path, 'utf8');
      const re = /create\s+(?:or\s+replace\s+)?function\s+([\w.]+)\s*\(([\s\S]*?)\bas\s+\$/gi;
      for (const m of text.matchAll(re)) {
        if (!/\b(immutable|stable|volatile)\b/i.test(m[2])) offenders.push(`${f.path}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
