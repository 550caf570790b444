// A real local Citus cluster for the cluster tests (test/citus*.test.ts): a coordinator
// and N workers on 127.0.0.1 from the host's PostgreSQL 15 binaries
// (scripts/lib/citus-cluster.ts), in a temporary home of its own, migrated by bqx migrate.
// One per test file:
//
//   describeCitus('bqx on Citus', () => {
//     let cluster: TestCitus;
//     beforeAll(async () => { cluster = await startTestCitus(2); }, 180_000);
//     afterAll(async () => { await cluster?.stop(); });
//   });
//
// Where Citus is not installed, describeCitus skips with the reason; with
// BQX_REQUIRE_CITUS=1 (.ci/run sets it after building Citus) it fails instead, like
// BQX_REQUIRE_PLV8 in engines.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe } from 'vitest';
import { CITUS_INSTALL_HINT, citusMissing, startCitus, stopCitus, type CitusCluster } from '../../scripts/lib/citus-cluster.js';
import { migrate } from '../../scripts/lib/migrate.js';

/** BQX_REQUIRE_CITUS: '1' requires Citus, '0' or unset does not; anything else is a mistake. */
export function citusRequired(env: Record<string, string | undefined> = process.env): boolean {
  const v = env.BQX_REQUIRE_CITUS;
  if (v === undefined || v === '' || v === '0') return false;
  if (v === '1') return true;
  throw new Error(`BQX_REQUIRE_CITUS must be 1 or 0, got "${v}"`);
}

/** describe() that runs on a machine with Citus, skips with the reason elsewhere, fails when required. */
export function describeCitus(title: string, body: () => void): void {
  const missing = citusMissing();
  const required = citusRequired();
  const skipped = missing !== undefined && !required;
  const reason = `Citus is not available (${missing}): ${CITUS_INSTALL_HINT}`;
  if (skipped) console.log(`bqx tests: skipped "${title}": ${reason}; BQX_REQUIRE_CITUS=1 turns this skip into a failure`);
  describe.skipIf(skipped)(skipped ? `${title} (skipped: ${reason})` : title, () => {
    if (missing !== undefined) {
      beforeAll(() => {
        throw new Error(`${reason}, and BQX_REQUIRE_CITUS=1 (set by .ci/run) makes that a failure`);
      });
    }
    body();
  });
}

export interface TestCitus extends CitusCluster {
  /** a pool on database bqx of the coordinator */
  pool: pg.Pool;
  /** a pool on database bqx of each worker, in the order of `workers` */
  workerPools: pg.Pool[];
  stop: () => Promise<void>;
}

/** Start a coordinator + `workers` workers in a temporary home, migrate the coordinator. */
export async function startTestCitus(workers = 2): Promise<TestCitus> {
  const home = mkdtempSync(join(tmpdir(), 'bqx-citus-test-'));
  let cluster: CitusCluster;
  try {
    cluster = await startCitus(workers, { home });
    await migrate(cluster.coordinator.url);
  } catch (err) {
    await stopCitus({ home });
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  const pool = new pg.Pool({ connectionString: cluster.coordinator.url, max: 6 });
  const workerPools = cluster.workers.map((w) => new pg.Pool({ connectionString: w.url, max: 3 }));
  for (const p of [pool, ...workerPools]) p.on('error', () => {});
  return {
    ...cluster,
    pool,
    workerPools,
    stop: async () => {
      // the servers first (fast shutdown ends every session), so a client a failed test
      // left checked out cannot hold up pool.end()
      await stopCitus({ home });
      await Promise.all([pool, ...workerPools].map((p) => p.end()));
      rmSync(home, { recursive: true, force: true });
    },
  };
}
