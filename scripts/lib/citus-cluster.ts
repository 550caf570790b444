// A local Citus cluster for development and tests: a coordinator and N workers on
// 127.0.0.1, each an embedded cluster of local-cluster.ts (same binaries, initdb, ports,
// privilege dropping) in <home>/citus/<node>/pg, with citus preloaded before pg_cron.
//
//   bqx db start --citus 2     coordinator + 2 workers; prints the coordinator's URL
//   bqx db stop --citus        stops every node
//
// Database `bqx` on every node has the citus extension; the coordinator knows itself
// (citus_set_coordinator_host) and its workers (citus_add_node). bqx migrate on the
// coordinator then sets up Citus mode (sql/90_citus/).
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { withClient } from './client.js';
import { CLUSTER_DATABASE, clusterPaths, clusterUrl, start, status, stop, type Log } from './local-cluster.js';
import { findBinDir } from './pg-installer.js';
import { projectRoot } from './paths.js';
import { UserError } from './user-error.js';

/** Settings every node gets on top of local-cluster.ts' SETTINGS. */
export const CITUS_SETTINGS: Record<string, string | number> = {
  // citus must come first; PLV8 needs no preload
  shared_preload_libraries: "'citus,pg_cron'",
  // the coordinator opens connections to every worker, workers to each other
  max_connections: 120,
  // Citus commits a transaction that wrote on several nodes with two-phase commit
  max_prepared_transactions: 100,
  // small shards for a laptop: every monthly partition is a distributed table of its own
  'citus.shard_count': 4,
  // node-to-node connections on 127.0.0.1 without TLS (the server's libpq would otherwise
  // look for client certificates in the HOME of whoever started it)
  'citus.node_conninfo': "'sslmode=disable'",
  shared_buffers: "'128MB'",
  maintenance_work_mem: "'128MB'",
};

export const CITUS_INSTALL_HINT =
  'Install Citus 13 for PostgreSQL 15 on this machine: the Citus project\'s package for PostgreSQL 15, '
  + 'or a build from its source (github.com/citusdata/citus; on the bqx dev and CI machines, as root: '
  + 'bash ../shared/citus/build.sh). Or point DATABASE_URL at an existing Citus coordinator.';

/** Why Citus cannot be used here, or undefined when citus.so is installed beside the PG 15 binaries. */
export function citusMissing(): string | undefined {
  const bin = findBinDir();
  if (!bin) return 'PostgreSQL 15 server binaries are not installed';
  const r = spawnSync(join(bin, 'pg_config'), ['--pkglibdir'], { encoding: 'utf8' });
  const lib = r.status === 0 ? r.stdout.trim() : join(bin, '..', 'lib');
  return existsSync(join(lib, 'citus.so')) ? undefined : `no citus.so in ${lib}`;
}

export interface CitusNode { name: string; port: number; url: string }
export interface CitusCluster { coordinator: CitusNode; workers: CitusNode[] }

/** <home>/citus: $BQX_HOME/citus, else <repo>/.bqx/citus */
export function citusHome(home = process.env.BQX_HOME): string {
  return join(resolve(home && home.length > 0 ? home : join(projectRoot, '.bqx')), 'citus');
}

const nodeNames = (workers: number): string[] => ['coordinator', ...Array.from({ length: workers }, (_, i) => `worker-${i + 1}`)];

/** Start (initialize the first time) a coordinator and `workers` workers; idempotent. */
export async function startCitus(workers: number, opts: { log?: Log; home?: string } = {}): Promise<CitusCluster> {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new UserError(`--citus needs a number of workers >= 1, got ${workers}`, '22023', 'For example: bqx db start --citus 2');
  }
  const why = citusMissing();
  if (why) throw new UserError(`Citus is not available: ${why}`, '58P01', CITUS_INSTALL_HINT);
  const log = opts.log ?? (() => {});
  const home = opts.home ?? citusHome();
  const nodes: CitusNode[] = [];
  for (const name of nodeNames(workers)) {
    const r = await start({ log: (m) => log(`${name}: ${m}`), paths: clusterPaths(join(home, name)), settings: CITUS_SETTINGS });
    nodes.push({ name, port: r.port, url: r.url });
  }
  for (const n of nodes) await withClient(n.url, 'bqx db --citus', (c) => c.query('create extension if not exists citus'));
  const [coordinator, ...rest] = nodes;
  await withClient(coordinator.url, 'bqx db --citus', async (c) => {
    await c.query(`select pg_catalog.citus_set_coordinator_host('127.0.0.1', $1)`, [coordinator.port]);
    for (const w of rest) {
      const known = await c.query(`select from pg_catalog.pg_dist_node where nodename = '127.0.0.1' and nodeport = $1`, [w.port]);
      if (known.rowCount === 0) await c.query(`select pg_catalog.citus_add_node('127.0.0.1', $1)`, [w.port]);
    }
  });
  log(`Citus cluster up: coordinator 127.0.0.1:${coordinator.port}, workers ${rest.map((w) => `127.0.0.1:${w.port}`).join(', ')}`);
  return { coordinator, workers: rest };
}

/** The nodes initialized under <home>/citus, coordinator first. */
function initializedNodes(home: string): string[] {
  if (!existsSync(home)) return [];
  const names = readdirSync(home).filter((n) => n === 'coordinator' || /^worker-\d+$/.test(n));
  return names.sort((a, b) => (a === 'coordinator' ? -1 : b === 'coordinator' ? 1 : Number(a.slice(7)) - Number(b.slice(7))));
}

/** Stop every node (workers first); returns the names of the nodes that were running. */
export async function stopCitus(opts: { log?: Log; home?: string } = {}): Promise<string[]> {
  const home = opts.home ?? citusHome();
  const stopped: string[] = [];
  for (const name of initializedNodes(home).reverse()) {
    const r = await stop({ log: opts.log, paths: clusterPaths(join(home, name)) });
    if (r.wasRunning) stopped.push(name);
  }
  return stopped;
}

/** Running nodes of the local Citus cluster, with their URLs (database bqx). */
export function citusStatus(home = citusHome()): { name: string; running: boolean; url?: string }[] {
  return initializedNodes(home).map((name) => {
    const st = status(clusterPaths(join(home, name)));
    return { name, running: st.running, url: st.port ? clusterUrl(st.port, CLUSTER_DATABASE) : undefined };
  });
}
