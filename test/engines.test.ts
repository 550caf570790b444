// test/support/engines.ts: the one decision about PLV8 in the tests (run, skip with the
// reason, or fail under BQX_REQUIRE_PLV8=1), and that what it reads from the server is
// what the harness's migration did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { describeEachEngine, engineDecision, ENGINES, plv8, plv8Required, useEngine } from './support/engines.js';

const present = { available: true, detail: 'plv8 3.1.10 on PostgreSQL 15.14' };
const absent = { available: false, detail: 'no plv8 extension on PostgreSQL 15.14' };

describe('plv8Required (BQX_REQUIRE_PLV8)', () => {
  it('is off when unset, empty or 0, on for 1, and refuses anything else', () => {
    expect(plv8Required({})).toBe(false);
    expect(plv8Required({ BQX_REQUIRE_PLV8: '' })).toBe(false);
    expect(plv8Required({ BQX_REQUIRE_PLV8: '0' })).toBe(false);
    expect(plv8Required({ BQX_REQUIRE_PLV8: '1' })).toBe(true);
    for (const v of ['yes', 'true', ' 1']) expect(() => plv8Required({ BQX_REQUIRE_PLV8: v })).toThrow(/must be 1 or 0/);
  });
});

describe('engineDecision', () => {
  it('runs the sql engine always, and plv8 wherever the server has it', () => {
    for (const required of [false, true]) {
      for (const status of [present, absent]) expect(engineDecision('sql', status, required)).toEqual({ action: 'run' });
      expect(engineDecision('plv8', present, required)).toEqual({ action: 'run' });
    }
  });

  it('skips plv8 with the reason where it is absent, and says how to make that a failure', () => {
    const d = engineDecision('plv8', absent, false);
    expect(d.action).toBe('skip');
    expect(d).toMatchObject({ reason: expect.stringContaining('no plv8 extension on PostgreSQL 15.14') });
    expect(d).toMatchObject({ reason: expect.stringContaining('BQX_REQUIRE_PLV8=1') });
  });

  it('fails plv8 where it is absent and required, and says what to do', () => {
    const d = engineDecision('plv8', absent, true);
    expect(d.action).toBe('fail');
    expect(d).toMatchObject({ reason: expect.stringMatching(/not available .*no plv8 extension.*BQX_REQUIRE_PLV8=1.*build\.sh.*build-test-image\.sh --force/) });
  });
});

describe('the test server', () => {
  let db: TestDb;
  beforeAll(async () => { db = await testDatabase('engines_helper'); });
  afterAll(async () => { await db?.end(); });

  it('has the plv8 engine installed in its databases exactly when plv8 reports it available', async () => {
    console.log(`engines: ${plv8.detail}`);
    const r = await db.query(
      `select exists (select from pg_catalog.pg_extension where extname = 'plv8') as ext,
              exists (select from pg_catalog.pg_proc where proname = 'engine_plv8'
                       and pronamespace = 'bqx_internal'::regnamespace) as fn`);
    expect(r.rows[0]).toEqual({ ext: plv8.available, fn: plv8.available });
  });

  it('useEngine selects each engine the server has, and plv8 where it has none is a 55000 error', async () => {
    await useEngine(db, 'sql');
    if (plv8.available) await useEngine(db, 'plv8');
    else await expect(useEngine(db, 'plv8')).rejects.toMatchObject({ code: '55000' });
  });
});

// the helper itself: every engine it runs is the one the database computes with
const ran: string[] = [];
describeEachEngine('describeEachEngine', (engine) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await testDatabase(`engines_each_${engine}`);
    await useEngine(db, engine);
  });
  afterAll(async () => { await db?.end(); });

  it('backfills with the engine it names', async () => {
    ran.push(engine);
    await db.query(`insert into bqx.m1 select 'EURUSD', '2024-07-01'::timestamptz + i * interval '1 minute', 1.08 + i * 1e-5 from generate_series(0, 199) i`);
    const r = await db.query(`call bqx.backfill('EURUSD', '2024-07')`);
    expect(r.rows[0].engine).toBe(engine);
  });
});

describe('after describeEachEngine', () => {
  it('ran sql, and plv8 exactly where the server has it', () => {
    expect(ran).toEqual(ENGINES.filter((e) => e === 'sql' || plv8.available));
  });
});
