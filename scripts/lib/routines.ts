// Installs the SQL routines (functions, procedures, views, triggers) from sql/**.sql.
//
// The rule: migrations/ hold tables and data (forward-only, never edited); sql/ holds
// every routine, one object per file, and the database's routines always equal the
// files. On every migrate, in one transaction, every file runs in path order (grant
// files last) with CREATE OR REPLACE, so objects are updated in place and whatever users
// built on them (views, grants, defaults, BEGIN ATOMIC functions) stays; then what no
// file defines any more is dropped, never with CASCADE (installRoutines). So a
// routine's body or signature changes by editing its file, never by a new migration.
// Files under sql/plv8/ are installed only when the plv8 extension is available; the table
// triggers (sql/75_triggers/: live mode on bqx.m1, the check of bqx.settings) only outside
// Citus mode (migration 0006), where every routine is then made a distributed object
// (citus_distribute_routines).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type pg from 'pg';
import { sqlDir } from './paths.js';
import { renderPlv8Sql } from './plv8-bundle.js';
import { UserError } from './user-error.js';

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

export interface RoutineFile { path: string; plv8: boolean; tableTrigger: boolean }

/** Files named *grants.sql hold privileges: applied after every routine exists. */
export function isGrantFile(path: string): boolean {
  return /grants\.sql$/.test(path);
}

/** The routine files in install order: path order, grant files last (in path order). */
export function routineFiles(): RoutineFile[] {
  const files = sqlFiles(sqlDir).map((path) => ({
    path,
    plv8: relative(sqlDir, path).split('/')[0] === 'plv8',
    tableTrigger: relative(sqlDir, path).split('/')[0] === '75_triggers',
  }));
  return [...files.filter((f) => !isGrantFile(f.path)), ...files.filter((f) => isGrantFile(f.path))];
}

export async function plv8Available(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query(`select exists (select from pg_catalog.pg_available_extensions where name = 'plv8') as ok`);
  return r.rows[0].ok as boolean;
}

/** Citus mode: the citus extension is installed and bqx.m1 is distributed (migration 0006). */
export async function citusMode(client: pg.ClientBase): Promise<boolean> {
  const ext = await client.query(`select exists (select from pg_catalog.pg_extension where extname = 'citus') as ok`);
  if (!ext.rows[0].ok) return false;
  const r = await client.query(
    `select exists (select from pg_catalog.pg_dist_partition where logicalrelid = pg_catalog.to_regclass('bqx.m1')) as ok`);
  return r.rows[0].ok as boolean;
}

interface PgError { code?: string; message: string; detail?: string }

/** DROP one managed object, never CASCADE: refuses, naming the objects that depend on it. */
async function dropRestrict(client: pg.ClientBase, what: string): Promise<void> {
  await client.query('savepoint bqx_drop');
  try {
    await client.query(`drop ${what}`);
    await client.query('release savepoint bqx_drop');
  } catch (e) {
    await client.query('rollback to savepoint bqx_drop');
    const err = e as PgError;
    if (err.code !== '2BP01') throw e;
    throw new UserError(`bqx migrate: cannot drop ${what}: other objects depend on it`, '2BP01',
      'bqx never drops your objects. Drop or change the objects named in DETAIL (or make them stop using it), then run bqx migrate again.', err.detail);
  }
}

interface ManagedObject { what: string; version: string }

/**
 * The managed triggers, views and routines (not those of extensions) in the order they
 * can be dropped (triggers, views newest first, aggregates, functions), each with the
 * xmin of its catalog row: CREATE OR REPLACE rewrites that row, so an object whose
 * version did not change during an install was defined by no file.
 */
async function managedObjects(client: pg.ClientBase): Promise<ManagedObject[]> {
  const r = await client.query(
    `select what, version from (
       select 1 as ord, 0::bigint as o, format('trigger %I on %s', t.tgname, t.tgrelid::regclass) as what, t.xmin::text as version
         from pg_catalog.pg_trigger t join pg_catalog.pg_proc p on p.oid = t.tgfoid
         join pg_catalog.pg_namespace n on n.oid = p.pronamespace
        where not t.tgisinternal and n.nspname = any($1)
       union all
       select 2, -c.oid::bigint, format('%s %s', case c.relkind when 'm' then 'materialized view' else 'view' end, c.oid::regclass), w.xmin::text
         from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         join pg_catalog.pg_rewrite w on w.ev_class = c.oid and w.rulename = '_RETURN'
        where c.relkind in ('v', 'm') and n.nspname = any($1)
       union all
       select case p.prokind when 'a' then 3 else 4 end, 0,
              format('%s %s', case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end, p.oid::regprocedure),
              p.xmin::text
         from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
        where n.nspname = any($1)
          and not exists (select from pg_catalog.pg_depend d
                           where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
     ) s order by ord, o, what`, [MANAGED_SCHEMAS]);
  return r.rows as ManagedObject[];
}

/**
 * Drops every view, trigger and routine of the managed schemas (bqx migrate down), never
 * with CASCADE: a user object depending on one makes it refuse, naming the object.
 */
export async function dropManagedRoutines(client: pg.ClientBase): Promise<void> {
  for (const o of await managedObjects(client)) await dropRestrict(client, o.what);
}

/** `create or replace (function|procedure|aggregate|view) name` statements of a file. */
function definedNames(text: string): { kind: string; name: string }[] {
  const out: { kind: string; name: string }[] = [];
  const re = /create\s+or\s+replace\s+(function|procedure|aggregate|view)\s+([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)/gi;
  for (const m of text.matchAll(re)) out.push({ kind: m[1].toLowerCase(), name: m[2].toLowerCase() });
  return out;
}

/**
 * A file whose CREATE OR REPLACE cannot replace the installed object in place (return
 * type, parameter names or view columns changed: 42P13, 42P16, 42809): its older
 * versions of the same name are dropped (RESTRICT), then the file runs again.
 */
async function runFile(client: pg.ClientBase, sql: string): Promise<void> {
  await client.query('savepoint bqx_file');
  try {
    await client.query(sql);
    await client.query('release savepoint bqx_file');
    return;
  } catch (e) {
    await client.query('rollback to savepoint bqx_file');
    if (!['42P13', '42P16', '42809'].includes((e as PgError).code ?? '')) throw e;
  }
  for (const d of definedNames(sql)) {
    const r = d.kind === 'view'
      ? await client.query(`select format('view %s', c.oid::regclass) as what from pg_catalog.pg_class c
                             where c.oid = pg_catalog.to_regclass($1) and c.relkind = 'v'`, [d.name])
      : await client.query(
        `select format('%s %s', case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' else 'function' end,
                       p.oid::regprocedure) as what
           from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
          where n.nspname || '.' || p.proname = $1`, [d.name]);
    for (const x of r.rows) await dropRestrict(client, x.what as string);
  }
  await client.query(sql);
}

export interface InstallResult { files: number; plv8: boolean; dropped: string[] }

/** How long one lock wait of bqx migrate may take before it gives up and retries. */
const LOCK_TIMEOUT = '5s';
const ATTEMPTS = 6;

/**
 * Brings the routines in line with sql/, in one transaction, in place: every file runs
 * (CREATE OR REPLACE keeps each object, its OID, its grants and everything that depends
 * on it), then the managed routines, views and triggers that no file wrote any more
 * (removed, or signature changed) are dropped, never with CASCADE: a user object that
 * depends on one makes bqx migrate refuse, naming it. Lock waits are bounded (5 s, a few
 * tries), so a migrate beside running workers neither stalls bqx.m1 nor breaks a job.
 */
export async function installRoutines(client: pg.ClientBase, log: (m: string) => void = () => {}): Promise<InstallResult> {
  const withPlv8 = await plv8Available(client);
  const citus = await citusMode(client);
  const files = routineFiles().filter((f) => (withPlv8 || !f.plv8) && !(citus && f.tableTrigger));
  for (let attempt = 1; ; attempt++) {
    await client.query('begin');
    try {
      await client.query(`select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('bqx.install_routines'))`);
      await client.query(`select pg_catalog.set_config('lock_timeout', $1, true)`, [LOCK_TIMEOUT]);
      if (withPlv8) await client.query('create extension if not exists plv8');
      const before = await managedObjects(client);
      const runAll = async (list: RoutineFile[]) => {
        for (const f of list) {
          const text = readFileSync(f.path, 'utf8');
          try {
            await runFile(client, f.plv8 ? renderPlv8Sql(text) : text);
          } catch (err) {
            if ((err as PgError).code !== '2BP01' && (err as PgError).code !== '55P03') {
              (err as Error).message = `${relative(sqlDir, f.path)}: ${(err as Error).message}`;
            }
            throw err;
          }
        }
      };
      await runAll(files.filter((f) => !isGrantFile(f.path)));
      // before the grant files: GRANT/REVOKE rewrite the catalog rows of every routine
      const now = new Map((await managedObjects(client)).map((o) => [o.what, o.version]));
      const dropped = before.filter((o) => now.get(o.what) === o.version).map((o) => o.what);
      for (const what of dropped) await dropRestrict(client, what);
      await runAll(files.filter((f) => isGrantFile(f.path)));
      await client.query('commit');
      if (citus) {
        const n = (await client.query('select bqx_internal.citus_distribute_routines() as n')).rows[0].n as number;
        log(`Citus mode: bqx.m1 and bqx.bqx distributed by pair; ${n} routines newly distributed to the workers`);
      }
      log(`installed ${files.length} routine files from sql/${withPlv8 ? ' (with plv8 engine)' : ' (plv8 not available: sql engine only)'}` +
        (dropped.length ? `; dropped ${dropped.length} no longer in sql/: ${dropped.join(', ')}` : ''));
      return { files: files.length, plv8: withPlv8, dropped };
    } catch (err) {
      await client.query('rollback');
      if ((err as PgError).code !== '55P03') throw err;
      if (attempt >= ATTEMPTS) {
        throw new UserError(`bqx migrate: gave up after ${ATTEMPTS} tries of waiting ${LOCK_TIMEOUT} for a lock`, '55P03',
          'A long transaction holds a bqx table (a big INSERT into bqx.m1 with live mode on, or an explicit LOCK). Nothing was changed: run bqx migrate again when it has ended.',
          (err as PgError).message);
      }
      log(`bqx migrate: waited ${LOCK_TIMEOUT} for a lock (${(err as PgError).message}); trying again (${attempt}/${ATTEMPTS})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
