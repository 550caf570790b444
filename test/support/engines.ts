// Which engines the engine tests run on, and the one place that decides what happens when
// PLV8 is absent from the test server:
//   - PLV8 present: every engine test runs once per engine, on 'sql' and on 'plv8';
//   - PLV8 absent: the plv8 variants are skipped, and the reason is printed and shown in
//     their suite's name;
//   - PLV8 absent and BQX_REQUIRE_PLV8=1 (.ci/run sets it): the plv8 variants fail, with
//     the reason and what to do.
//
//   describeEachEngine('CALL bqx.backfill', (engine) => {
//     let db: TestDb;
//     beforeAll(async () => { db = await testDatabase(`backfill_${engine}`); await useEngine(db, engine); });
//     it(...);
//   });
//
// The server's PLV8 is looked up once per test file, when this module is loaded (the suite
// must know it while the tests are collected, so that a skipped engine costs nothing).
import pg from 'pg';
import { beforeAll, describe, inject } from 'vitest';

export const ENGINES = ['sql', 'plv8'] as const;
export type Engine = (typeof ENGINES)[number];

export interface Plv8Status {
  available: boolean;
  /** one line: the version the server offers, or why there is none */
  detail: string;
}

export type EngineDecision = { action: 'run' } | { action: 'skip' | 'fail'; reason: string };

/** BQX_REQUIRE_PLV8: '1' requires PLV8, '0' or unset does not; anything else is a mistake. */
export function plv8Required(env: Record<string, string | undefined> = process.env): boolean {
  const v = env.BQX_REQUIRE_PLV8;
  if (v === undefined || v === '' || v === '0') return false;
  if (v === '1') return true;
  throw new Error(`BQX_REQUIRE_PLV8 must be 1 or 0, got "${v}"`);
}

/** What the tests of `engine` do on a server with this PLV8, required or not. */
export function engineDecision(engine: Engine, plv8: Plv8Status, required: boolean): EngineDecision {
  if (engine === 'sql' || plv8.available) return { action: 'run' };
  const why = `plv8 is not available in the test server (${plv8.detail})`;
  if (required) {
    return {
      action: 'fail',
      reason: `${why}, and BQX_REQUIRE_PLV8=1 (set by .ci/run) makes that a failure: install PLV8 `
        + '(bash ../shared/plv8/build.sh) and rebuild the test image (bash docker/build-test-image.sh --force)',
    };
  }
  return { action: 'skip', reason: `${why}; BQX_REQUIRE_PLV8=1 turns this skip into a failure` };
}

/** Whether the test server offers the plv8 extension (bqx migrate installs the plv8 engine exactly then). */
export async function queryPlv8Status(adminUrl: string): Promise<Plv8Status> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query(
      `select current_setting('server_version') as server,
              (select default_version from pg_catalog.pg_available_extensions where name = 'plv8') as plv8`);
    const { server, plv8: version } = r.rows[0] as { server: string; plv8: string | null };
    return version === null
      ? { available: false, detail: `no plv8 extension on PostgreSQL ${server}` }
      : { available: true, detail: `plv8 ${version} on PostgreSQL ${server}` };
  } finally {
    await c.end();
  }
}

/** PLV8 of the test server, looked up when this module is loaded (once per test file). */
export const plv8: Plv8Status = await queryPlv8Status(inject('bqxAdminUrl'));

/**
 * describe(`${title} [engine E]`, () => body(E)) for each engine. A plv8 variant that is
 * skipped runs none of its hooks; one that must fail fails every test with the reason.
 */
export function describeEachEngine(title: string, body: (engine: Engine) => void): void {
  for (const engine of ENGINES) {
    const decision = engineDecision(engine, plv8, plv8Required());
    const name = `${title} [engine ${engine}]`;
    const skipped = decision.action === 'skip';
    if (skipped) console.log(`bqx tests: skipped "${name}": ${decision.reason}`);
    // skipped only where the server has no PLV8 and the run does not require it
    describe.skipIf(skipped)(skipped ? `${name} (skipped: ${decision.reason})` : name, () => {
      if (decision.action === 'fail') {
        beforeAll(() => {
          throw new Error(decision.reason);
        });
      }
      body(engine);
    });
  }
}

/** Selects `engine` in this test database (bqx.settings key 'engine') and checks that bqx uses it. */
export async function useEngine(db: Pick<pg.Pool, 'query'>, engine: Engine): Promise<void> {
  await db.query(`update bqx.settings set value = $1 where key = 'engine'`, [engine]);
  const r = await db.query(`select bqx_internal.current_engine() as engine`);
  if (r.rows[0].engine !== engine) throw new Error(`engine setting ${engine} but bqx uses ${r.rows[0].engine}`);
}
