// Picks the database server for the whole test run, prepares it, and hands it to the files.
//
//   1. BQX_TEST_DATABASE_URL (a superuser URL; its database is not touched, others are
//      created next to it)
//   2. a testcontainers container of the local image bqx-test/postgres15-cron:2 (with PLV8) when a
//      Docker engine answers (the image is built by docker/build-test-image.sh if absent)
//   3. the embedded cluster of `bqx db start` (scripts/lib/local-cluster.ts)
// BQX_TEST_BACKEND=docker|embedded forces 2 or 3 (no fallback).
//
// Then: (re)creates the template database bqx_template and migrates it, and migrates the
// cron.database_name database (pg_cron's jobs can only run there).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { TEMPLATE_DB, TEST_DB_PREFIX, TEST_IMAGE, redact, withDatabase, type TestBackend } from './env.js';

// testcontainers reads these when it is first imported
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (m: string): void => console.log(`bqx tests: ${m}`);

interface Server {
  backend: TestBackend;
  adminUrl: string;
  description: string;
  teardown: () => Promise<void>;
}

async function fromUrl(url: string): Promise<Server> {
  return {
    backend: 'url',
    adminUrl: url,
    description: `BQX_TEST_DATABASE_URL ${redact(url)}`,
    teardown: async () => {},
  };
}

async function dockerAvailable(): Promise<boolean> {
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function ensureImage(): Promise<void> {
  const { getContainerRuntimeClient, ImageName } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  if (await client.image.exists(ImageName.fromString(TEST_IMAGE))) return;
  say(`image ${TEST_IMAGE} is not there; building it with docker/build-test-image.sh (about 2 minutes the first time)`);
  const r = spawnSync('bash', [join(repo, 'docker', 'build-test-image.sh')], { stdio: 'inherit', env: { ...process.env, BQX_TEST_IMAGE: TEST_IMAGE } });
  if (r.status !== 0) throw new Error(`docker/build-test-image.sh failed (exit ${r.status ?? r.signal}); run it by hand to see why (needs root and debootstrap)`);
}

async function fromContainer(): Promise<Server> {
  await ensureImage();
  const { GenericContainer, Wait } = await import('testcontainers');
  const password = randomBytes(12).toString('hex');
  const t0 = Date.now();
  const container = await new GenericContainer(TEST_IMAGE)
    .withExposedPorts(5432)
    .withEnvironment({ POSTGRES_PASSWORD: password })
    .withSharedMemorySize(1024 * 1024 * 1024)
    .withLabels({ 'org.bqx.test': 'global-setup' })
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/))
    .withStartupTimeout(120_000)
    .start();
  const h = container.getHost();
  const host = h === 'localhost' ? '127.0.0.1' : h;
  const port = container.getMappedPort(5432);
  const adminUrl = `postgresql://postgres:${password}@${host}:${port}/postgres`;
  return {
    backend: 'testcontainers',
    adminUrl,
    description: `testcontainers container ${TEST_IMAGE} at ${host}:${port} (id ${container.getId().slice(0, 12)}, up in ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    teardown: async () => {
      // a failed file keeps its database (test/support/db.ts): keep the container too,
      // except on CI
      let kept = 0;
      try {
        kept = await withClient(adminUrl, async (c) =>
          Number((await c.query(`SELECT count(*) AS n FROM pg_database WHERE starts_with(datname, '${TEST_DB_PREFIX}')`)).rows[0].n));
      } catch { /* server gone */ }
      if (kept > 0 && !process.env.CI) {
        say(`left container ${container.getId().slice(0, 12)} running for the ${kept} kept database(s): ${redact(adminUrl)} (password: ${password}); remove it with: docker rm -f ${container.getId().slice(0, 12)}`);
        return;
      }
      await container.stop({ timeout: 10_000 });
    },
  };
}

async function fromEmbedded(): Promise<Server> {
  const cluster = await import('../../scripts/lib/local-cluster.js');
  const wasRunning = cluster.status().running;
  const r = await cluster.start({ log: (m) => say(m) });
  return {
    backend: 'embedded',
    adminUrl: cluster.clusterUrl(r.port, 'postgres'),
    description: `embedded cluster at 127.0.0.1:${r.port} (data ${r.dataDir}${wasRunning ? '' : ', started for this run'})`,
    teardown: async () => {
      // leave it as we found it
      if (!wasRunning) await cluster.stop();
    },
  };
}

async function pickServer(): Promise<Server> {
  const url = process.env.BQX_TEST_DATABASE_URL;
  if (url) return fromUrl(url);
  const forced = process.env.BQX_TEST_BACKEND;
  if (forced === 'embedded') return fromEmbedded();
  if (forced === 'docker' || forced === 'testcontainers') return fromContainer();
  if (forced) throw new Error(`BQX_TEST_BACKEND must be docker or embedded, got "${forced}"`);
  if (await dockerAvailable()) {
    try {
      return await fromContainer();
    } catch (e) {
      say(`WARNING: a Docker engine answers but the test container could not be started: ${(e as Error).message}`);
      say('WARNING: falling back to the embedded cluster (BQX_TEST_BACKEND=docker makes this an error)');
    }
  }
  return fromEmbedded();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  const server = await pickServer();
  let torn = false;
  const teardown = async (): Promise<void> => {
    if (torn) return;
    torn = true;
    await server.teardown();
  };
  try {
    say(`database = ${server.description}`);
    const { migrate } = await import('../../scripts/lib/migrate.js');
    const info = await withClient(server.adminUrl, async (c) => {
      await c.query('SET client_min_messages = warning');
      const su = await c.query<{ su: boolean }>('SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user');
      if (!su.rows[0]?.su) throw new Error('the test database user must be a superuser (it creates databases and extensions)');
      const old = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DB]);
      if (old.rowCount) {
        await c.query(`ALTER DATABASE ${TEMPLATE_DB} WITH IS_TEMPLATE false`);
        await c.query(`DROP DATABASE ${TEMPLATE_DB} WITH (FORCE)`);
      }
      await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
      const cron = await c.query<{ db: string | null }>(`SELECT current_setting('cron.database_name', true) AS db`);
      const kept = await c.query<{ n: string }>(`SELECT count(*) AS n FROM pg_database WHERE starts_with(datname, '${TEST_DB_PREFIX}')`);
      const version = await c.query<{ v: string }>('SELECT version() AS v');
      return { cronDb: cron.rows[0]?.db ?? '', kept: Number(kept.rows[0]?.n ?? 0), version: version.rows[0]?.v ?? '' };
    });
    say(`server: ${info.version.split(' on ')[0]}; cron.database_name = ${info.cronDb || '(pg_cron not preloaded)'}`);
    if (info.kept > 0) say(`${info.kept} test database(s) kept from earlier runs (${TEST_DB_PREFIX}*); drop them when done inspecting`);

    const templateUrl = withDatabase(server.adminUrl, TEMPLATE_DB);
    await migrate(templateUrl, {});
    // nobody connects to the template any more: clones never wait for it
    await withClient(server.adminUrl, (c) => c.query(`ALTER DATABASE ${TEMPLATE_DB} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`));

    let cronUrl = '';
    if (info.cronDb) {
      cronUrl = withDatabase(server.adminUrl, info.cronDb);
      await migrate(cronUrl, {});
    }
    say(`migrated ${TEMPLATE_DB}${info.cronDb ? ` and ${info.cronDb}` : ''} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    project.provide('bqxAdminUrl', server.adminUrl);
    project.provide('bqxCronUrl', cronUrl);
    project.provide('bqxBackend', server.backend);
    project.provide('bqxBackendDescription', server.description);
  } catch (e) {
    await teardown().catch(() => {});
    throw e;
  }
  return teardown;
}
