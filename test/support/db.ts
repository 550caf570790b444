// Per-file test databases, cloned from the migrated template bqx_template.
//
//   let db: TestDb;
//   beforeAll(async () => { db = await testDatabase('engine'); });
//   afterAll(async () => { await db?.end(); });
//
// end() closes the pool and drops the database, unless a test of this file failed or
// BQX_KEEP_TEST_DB=1: then the database is kept and its name and URL are printed.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { TEMPLATE_DB, TEST_DB_PREFIX, redact, withDatabase } from './env.js';

export interface TestDb {
  url: string;
  name: string;
  pool: pg.Pool;
  /** pool.query: (sql: string, params?: unknown[]) => Promise<pg.QueryResult>, and its other overloads */
  query: pg.Pool['query'];
  end: () => Promise<void>;
}

let fileFailed = false;
/** called by test/support/setup.ts when a test of the current file fails */
export function markFileFailed(): void {
  fileFailed = true;
}

/** superuser URL of the `postgres` database of the test server */
export function adminUrl(): string {
  return inject('bqxAdminUrl');
}

/** 'url' | 'testcontainers' | 'embedded' */
export function backend(): string {
  return inject('bqxBackend');
}

/**
 * URL of the migrated cron.database_name database (pg_cron jobs run only there).
 * Shared by every test file: make job names unique and unschedule/clean up what you made.
 * Throws when the server does not preload pg_cron.
 */
export function cronDatabaseUrl(): string {
  const url = inject('bqxCronUrl');
  if (!url) throw new Error('the test server does not preload pg_cron (cron.database_name is not set)');
  return url;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function dbName(label: string): string {
  const clean = label.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  return `${TEST_DB_PREFIX}${clean ? `${clean}_` : ''}${randomBytes(4).toString('hex')}`;
}

/** A fresh, migrated database of its own (a clone of bqx_template) with a pool on it. */
export async function testDatabase(label = 'test', opts: { max?: number } = {}): Promise<TestDb> {
  const name = dbName(label);
  await admin(async (c) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
        return;
      } catch (e) {
        // 55006: the template is being accessed by other users (a moment after setup)
        if ((e as { code?: string }).code !== '55006' || attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
  });
  const url = withDatabase(adminUrl(), name);
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 4 });
  // an idle client that loses its server (database dropped) must not crash the worker
  pool.on('error', () => {});
  let ended = false;
  return {
    url,
    name,
    pool,
    query: pool.query.bind(pool) as pg.Pool['query'],
    end: async () => {
      if (ended) return;
      ended = true;
      await pool.end();
      if (fileFailed || process.env.BQX_KEEP_TEST_DB === '1') {
        const why = fileFailed ? 'a test of this file failed' : 'BQX_KEEP_TEST_DB=1';
        console.log(`bqx tests: kept database ${name} for inspection (${why}): ${redact(url)}`);
        return;
      }
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
