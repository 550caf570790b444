// Installs the SQL routines (functions, procedures, views, triggers) from sql/**.sql.
//
// The rule: migrations/ hold tables and data (forward-only, never edited); sql/ holds
// every routine, one object per file, and the database's routines always equal the
// files. On every migrate, in one transaction, all routines and views in schemas bqx
// and bqx_internal are dropped and re-created from the files in path order. So a
// routine's body or signature changes by editing its file, never by a new migration.
// Files under sql/plv8/ are installed only when the plv8 extension is available.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type pg from 'pg';
import { sqlDir } from './paths.js';
import { renderPlv8Sql } from './plv8-bundle.js';

const MANAGED_SCHEMAS = ['bqx', 'bqx_internal'];

function sqlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sqlFiles(path));
    else if (name.endsWith('.sql')) out.push(path);
  }
  return out;
}

export interface RoutineFile { path: string; plv8: boolean }

/** Files named *grants.sql hold privileges: applied after every routine exists. */
export function isGrantFile(path: string): boolean {
  return /grants\.sql$/.test(path);
}

/** The routine files in install order: path order, grant files last (in path order). */
export function routineFiles(): RoutineFile[] {
  const files = sqlFiles(sqlDir).map((path) => ({
    path,
    plv8: relative(sqlDir, path).split('/')[0] === 'plv8',
  }));
  return [...files.filter((f) => !isGrantFile(f.path)), ...files.filter((f) => isGrantFile(f.path))];
}

export async function plv8Available(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query(`select exists (select from pg_catalog.pg_available_extensions where name = 'plv8') as ok`);
  return r.rows[0].ok as boolean;
}

/** Drops every view and routine of the managed schemas (not those owned by extensions). */
export async function dropManagedRoutines(client: pg.ClientBase): Promise<void> {
  // Views first (they may use functions), then every function/procedure not owned by an extension.
  const views = await client.query(
    `select format('%I.%I', n.nspname, c.relname) as name
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('v', 'm') and n.nspname = any($1)`, [MANAGED_SCHEMAS]);
  for (const v of views.rows) await client.query(`drop view if exists ${v.name} cascade`);
  const routines = await client.query(
    `select format('%s %s', case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end,
                   p.oid::regprocedure) as what
       from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any($1)
        and not exists (select from pg_catalog.pg_depend d
                         where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
      order by p.prokind = 'a' desc`, [MANAGED_SCHEMAS]);
  for (const r of routines.rows) await client.query(`drop ${r.what} cascade`);
}

export interface InstallResult { files: number; plv8: boolean }

/** Re-creates every routine from sql/ in one transaction. */
export async function installRoutines(client: pg.ClientBase, log: (m: string) => void = () => {}): Promise<InstallResult> {
  const withPlv8 = await plv8Available(client);
  const files = routineFiles().filter((f) => withPlv8 || !f.plv8);
  await client.query('begin');
  try {
    await client.query(`select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('bqx.install_routines'))`);
    if (withPlv8) await client.query('create extension if not exists plv8');
    await dropManagedRoutines(client);
    for (const f of files) {
      const text = readFileSync(f.path, 'utf8');
      try {
        await client.query(f.plv8 ? renderPlv8Sql(text) : text);
      } catch (err) {
        (err as Error).message = `${relative(sqlDir, f.path)}: ${(err as Error).message}`;
        throw err;
      }
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  }
  log(`installed ${files.length} routine files from sql/${withPlv8 ? ' (with plv8 engine)' : ' (plv8 not available: sql engine only)'}`);
  return { files: files.length, plv8: withPlv8 };
}
