// Migrations: up on an empty database, down one at a time, down to zero, and up again;
// the routines follow the files on every migrate.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appliedMigrations, migrate } from '../scripts/lib/migrate.js';
import { routineFiles } from '../scripts/lib/routines.js';
import { adminUrl } from './support/db.js';
import { withDatabase } from './support/env.js';

const name = `bqx_t_migrations_${process.pid}`;
let url: string;
let client: pg.Client;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

async function inventory() {
  const r = await client.query(`
    select (select count(*) from pg_namespace where nspname in ('bqx', 'bqx_internal'))::int as schemas,
           (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname in ('bqx', 'bqx_internal') and c.relkind in ('r', 'p'))::int as tables,
           (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname in ('bqx', 'bqx_internal'))::int as routines`);
  return r.rows[0] as { schemas: number; tables: number; routines: number };
}

beforeAll(async () => {
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  url = withDatabase(adminUrl(), name);
  client = new pg.Client({ connectionString: url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await admin(`drop database if exists ${name} with (force)`);
});

describe('migrations', () => {
  let total = 0;
  let full: Awaited<ReturnType<typeof inventory>>;

  it('go up on an empty database and install every routine file', async () => {
    await migrate(url);
    total = (await appliedMigrations(url)).length;
    expect(total).toBeGreaterThanOrEqual(3);
    full = await inventory();
    expect(full.schemas).toBe(2);
    const pairs = await client.query(`select count(*)::int as n from bqx.pairs`);
    expect(pairs.rows[0].n).toBe(28);
    const cols = await client.query(`select count(*)::int as n from information_schema.columns where table_schema = 'bqx' and table_name = 'bqx'`);
    expect(cols.rows[0].n).toBe(40);
    // a file holds one routine, view or trigger: routines are most of them
    expect(full.routines).toBeGreaterThan(routineFiles().filter((f) => !f.plv8).length / 2);
  });

  it('are idempotent: migrating again changes nothing', async () => {
    await migrate(url);
    expect(await inventory()).toEqual(full);
    expect((await appliedMigrations(url)).length).toBe(total);
  });

  it('go down one at a time, each down undoing its up, to zero', async () => {
    for (let left = total - 1; left >= 0; left--) {
      await migrate(url, { direction: 'down', count: 1 });
      expect((await appliedMigrations(url)).length).toBe(left);
    }
    expect(await inventory()).toEqual({ schemas: 0, tables: 0, routines: 0 });
  });

  it('come back up after down to zero, with data usable again', async () => {
    await migrate(url);
    expect(await inventory()).toEqual(full);
    await migrate(url, { direction: 'down', count: Infinity });
    expect(await inventory()).toEqual({ schemas: 0, tables: 0, routines: 0 });
    await migrate(url);
    expect(await inventory()).toEqual(full);
    await client.query(`insert into bqx.m1 select 'EURUSD', t, 1.1 + 0.0001 * sin(extract(epoch from t) / 600)
                          from generate_series('2024-06-30 12:00Z'::timestamptz, '2024-07-01 06:00Z', '1 minute') t`);
    const r = await client.query(`call bqx.backfill('EURUSD', '2024-07')`);
    expect(Number(r.rows[0].rows_written)).toBe(361);
  });

  it('re-create a routine from its file when the database copy was changed by hand', async () => {
    await client.query(`create or replace function bqx_internal.leaf_name(p_pair text, p_month_start timestamptz) returns text
                          language sql immutable set search_path = '' as $$ select 'tampered' $$`);
    await migrate(url);
    const r = await client.query(`select bqx_internal.leaf_name('EURUSD', '2024-07-01T00:00Z') as n`);
    expect(r.rows[0].n).toBe('bqx_eurusd_2024_07');
  });
});
