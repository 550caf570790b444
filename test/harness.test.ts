// The test harness itself: the template clone is migrated, clones are independent, and the
// cron database has pg_cron.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminUrl, backend, cronDatabaseUrl, testDatabase, type TestDb } from './support/db.js';

describe('test harness', () => {
  let a: TestDb;
  let b: TestDb;

  beforeAll(async () => {
    [a, b] = await Promise.all([testDatabase('harness_a'), testDatabase('harness_b')]);
  });
  afterAll(async () => {
    await Promise.all([a?.end(), b?.end()]);
  });

  it('knows which server it runs on', () => {
    expect(['url', 'testcontainers', 'embedded']).toContain(backend());
    expect(adminUrl()).toMatch(/^postgres(ql)?:\/\//);
    expect(inject('bqxBackendDescription')).toBeTruthy();
  });

  it('gives each file a migrated clone of bqx_template', async () => {
    expect(a.name).toMatch(/^bqx_t_harness_a_[0-9a-f]{8}$/);
    const r = await a.query(`SELECT current_database() AS db, to_regnamespace('bqx') IS NOT NULL AS has_schema`);
    expect(r.rows[0]).toEqual({ db: a.name, has_schema: true });
    const m = await a.query(`SELECT count(*)::int AS n FROM public.bqx_migrations`);
    expect(m.rows[0].n).toBeGreaterThan(0);
  });

  it('keeps clones independent of each other', async () => {
    await a.query('CREATE TABLE public.harness_probe (x int)');
    await a.query('INSERT INTO public.harness_probe VALUES (1)');
    const inA = await a.query(`SELECT to_regclass('public.harness_probe') IS NOT NULL AS t`);
    const inB = await b.query(`SELECT to_regclass('public.harness_probe') IS NOT NULL AS t`);
    expect(inA.rows[0].t).toBe(true);
    expect(inB.rows[0].t).toBe(false);
  });

  it('runs the server with the bqx settings', async () => {
    const r = await a.query(
      `SELECT current_setting('server_version_num')::int / 10000 AS major,
              current_setting('shared_preload_libraries') AS preload,
              current_setting('cron.database_name', true) AS cron_db`,
    );
    expect(r.rows[0].major).toBe(15);
    if (backend() !== 'url') {
      expect(r.rows[0].preload).toContain('pg_cron');
      expect(r.rows[0].cron_db).toBe('bqx');
    }
  });

  it('has pg_cron in the migrated cron database', async () => {
    if (!inject('bqxCronUrl')) {
      expect(backend()).toBe('url'); // only a user's own server may lack pg_cron
      return;
    }
    const c = new pg.Client({ connectionString: cronDatabaseUrl() });
    await c.connect();
    try {
      const ext = await c.query(`SELECT extversion FROM pg_extension WHERE extname = 'pg_cron'`);
      expect(ext.rowCount).toBe(1);
      const schema = await c.query(`SELECT to_regnamespace('bqx') IS NOT NULL AS ok`);
      expect(schema.rows[0].ok).toBe(true);
      // a job can be scheduled and removed again (we clean up after ourselves)
      const name = `bqx_harness_${process.pid}`;
      const id = await c.query(`SELECT cron.schedule($1, '0 0 1 1 *', 'SELECT 1') AS id`, [name]);
      expect(Number(id.rows[0].id)).toBeGreaterThan(0);
      await c.query(`SELECT cron.unschedule($1)`, [name]);
    } finally {
      await c.end();
    }
  });
});
