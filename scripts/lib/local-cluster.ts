// The embedded default Postgres: a throwaway PostgreSQL 15 cluster owned by the project,
// and only the cluster (pg-installer.ts provides the binaries and the OS user).
//
// - data in <repo>/.bqx/pg (or $BQX_HOME/pg), log in <home>/pg/postgres.log
// - listens on 127.0.0.1 only, on its own port: a free one picked at first start and
//   remembered in <home>/pg/bqx.conf (a new one is picked if that port is taken later)
// - TCP only (no unix socket), trust auth on loopback, superuser `postgres`
// - pg_cron preloaded for database `bqx`, settings sized for bulk loads (see SETTINGS)
// - runs as the `postgres` OS user when bqx runs as root (Postgres refuses root)
//
// start() asks pg-installer.ts for the binaries (installed with apt-get as root when
// missing) and for the OS user to run as.
import {
  appendFileSync, chownSync, closeSync, existsSync, mkdirSync, openSync,
  readFileSync, rmSync, writeFileSync, writeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';
import {
  binaryVersion, CLUSTER_USER, ensureBinaries, ensureTraversable, findBinDir, PG_MAJOR, postgresOwner, runAs,
  type Log, type Owner,
} from './pg-installer.js';
import { projectRoot } from './paths.js';
import { UserError } from './user-error.js';

export const CLUSTER_DATABASE = 'bqx';

/** Server settings of the embedded cluster (docker/entrypoint.sh repeats them for the test image). */
export const SETTINGS: Record<string, string | number> = {
  listen_addresses: "'127.0.0.1'",
  unix_socket_directories: "''",
  max_connections: 60,
  shared_buffers: "'512MB'",
  work_mem: "'64MB'",
  maintenance_work_mem: "'512MB'",
  max_wal_size: "'4GB'",
  checkpoint_timeout: "'30min'",
  synchronous_commit: 'off',
  wal_level: 'minimal',
  max_wal_senders: 0,
  // pg_cron launcher + 6 job workers (background workers) + parallel query + headroom
  max_worker_processes: 24,
  max_parallel_workers: 4,
  max_parallel_workers_per_gather: 2,
  timezone: "'UTC'",
  log_timezone: "'UTC'",
  shared_preload_libraries: "'pg_cron'",
  'cron.database_name': `'${CLUSTER_DATABASE}'`,
  'cron.use_background_workers': 'on',
  'cron.max_running_jobs': 16,
  'cron.host': "'127.0.0.1'",
};

export interface ClusterPaths {
  home: string;
  dataDir: string;
  logFile: string;
  confFile: string;
}

export type { Log } from './pg-installer.js';

export interface ClusterStatus {
  initialized: boolean;
  running: boolean;
  pid?: number;
  port?: number;
  dataDir: string;
  logFile: string;
  /** server version (from the data dir / binaries) */
  version?: string;
  url?: string;
}

// ---------------------------------------------------------------------------------------
// where things are

/** <home> is $BQX_HOME if set, else <repo>/.bqx */
export function clusterPaths(home = process.env.BQX_HOME): ClusterPaths {
  const h = resolve(home && home.length > 0 ? home : join(projectRoot, '.bqx'));
  const dataDir = join(h, 'pg');
  return { home: h, dataDir, logFile: join(dataDir, 'postgres.log'), confFile: join(dataDir, 'bqx.conf') };
}

export function clusterUrl(port: number, database = CLUSTER_DATABASE): string {
  return `postgresql://${CLUSTER_USER}@127.0.0.1:${port}/${database}`;
}

// ---------------------------------------------------------------------------------------
// state

function readPort(paths: ClusterPaths): number | undefined {
  if (!existsSync(paths.confFile)) return undefined;
  const m = /^\s*port\s*=\s*(\d+)/m.exec(readFileSync(paths.confFile, 'utf8'));
  return m ? Number(m[1]) : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // the pid may have been reused by another program after a crash
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /postgres|postmaster/.test(cmd);
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

interface PidInfo { pid: number; port?: number; alive: boolean }

function readPidFile(paths: ClusterPaths): PidInfo | undefined {
  const f = join(paths.dataDir, 'postmaster.pid');
  if (!existsSync(f)) return undefined;
  const lines = readFileSync(f, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return { pid: 0, alive: false };
  const port = Number(lines[3]);
  return { pid, port: Number.isInteger(port) && port > 0 ? port : undefined, alive: processAlive(pid) };
}

export function isInitialized(paths = clusterPaths()): boolean {
  return existsSync(join(paths.dataDir, 'PG_VERSION')) && existsSync(paths.confFile);
}

export function status(paths = clusterPaths()): ClusterStatus {
  const initialized = isInitialized(paths);
  const st: ClusterStatus = { initialized, running: false, dataDir: paths.dataDir, logFile: paths.logFile };
  if (!initialized) return st;
  const pidInfo = readPidFile(paths);
  st.port = pidInfo?.alive && pidInfo.port ? pidInfo.port : readPort(paths);
  if (pidInfo?.alive) {
    st.running = true;
    st.pid = pidInfo.pid;
  }
  const bin = findBinDir();
  const major = readFileSync(join(paths.dataDir, 'PG_VERSION'), 'utf8').trim();
  st.version = (bin && binaryVersion(bin)) || `PostgreSQL ${major}`;
  if (st.port) st.url = clusterUrl(st.port);
  return st;
}

// ---------------------------------------------------------------------------------------
// ports

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => res(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? res(port) : rej(new Error('no free port'))));
    });
  });
}

function writeConf(paths: ClusterPaths, port: number, settings: Record<string, string | number>): void {
  const lines = [
    '# Written by bqx (scripts/lib/local-cluster.ts) at every start; edit postgresql.auto.conf',
    '# (ALTER SYSTEM) for your own overrides. The port is remembered here.',
    `port = ${port}`,
    ...Object.entries({ ...SETTINGS, ...settings }).map(([k, v]) => `${k} = ${v}`),
  ];
  writeFileSync(paths.confFile, lines.join('\n') + '\n');
}

// ---------------------------------------------------------------------------------------
// a simple inter-process lock, so two bqx commands do not init/start the cluster together

async function withLock<T>(paths: ClusterPaths, fn: () => Promise<T>): Promise<T> {
  mkdirSync(paths.home, { recursive: true });
  const lock = join(paths.home, 'pg.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(lock, 'utf8') || '0');
      let alive = false;
      if (holder > 0) {
        try { process.kill(holder, 0); alive = true; } catch (err) { alive = (err as NodeJS.ErrnoException).code === 'EPERM'; }
      }
      if (!alive) { rmSync(lock, { force: true }); continue; }
      if (Date.now() > deadline) throw new UserError(`timed out waiting for ${lock} (held by pid ${holder})`, '55P03', 'Another bqx command is starting or stopping the embedded cluster; try again when it is done.');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

// ---------------------------------------------------------------------------------------
// init / start / stop

function initCluster(paths: ClusterPaths, bin: string, owner: Owner | undefined, log: Log): void {
  log(`initializing a new PostgreSQL ${PG_MAJOR} cluster in ${paths.dataDir}`);
  mkdirSync(paths.home, { recursive: true, mode: 0o755 });
  rmSync(paths.dataDir, { recursive: true, force: true }); // a half-made earlier attempt
  mkdirSync(paths.dataDir, { mode: 0o700 });
  if (owner) {
    ensureTraversable(paths.home, log);
    chownSync(paths.dataDir, owner.uid, owner.gid);
  }
  const r = runAs(owner, paths.home, join(bin, 'initdb'), [
    '-D', paths.dataDir, '-U', CLUSTER_USER, '--auth-local=trust', '--auth-host=trust',
    '--encoding=UTF8', '--no-locale',
  ]);
  if (r.status !== 0) throw new UserError('initdb failed', '58000', undefined, r.out.trim());
  appendFileSync(join(paths.dataDir, 'postgresql.conf'), "\n# bqx settings (port, pg_cron, bulk-load sizing)\ninclude = 'bqx.conf'\n");
}

export interface StartResult { alreadyRunning: boolean; port: number; url: string; dataDir: string }

/** settings: overrides of SETTINGS for this cluster (citus-cluster.ts preloads citus with them). */
export async function start(
  opts: { log?: Log; paths?: ClusterPaths; settings?: Record<string, string | number> } = {},
): Promise<StartResult> {
  const log = opts.log ?? (() => {});
  const paths = opts.paths ?? clusterPaths();
  return withLock(paths, async () => {
    const before = status(paths);
    if (before.running && before.port) {
      return { alreadyRunning: true, port: before.port, url: clusterUrl(before.port), dataDir: paths.dataDir };
    }
    const bin = ensureBinaries(log);
    const owner = postgresOwner();
    const fresh = !isInitialized(paths);
    if (fresh) initCluster(paths, bin, owner, log);
    else if (owner) ensureTraversable(paths.home, log);

    const pidInfo = readPidFile(paths);
    if (pidInfo && !pidInfo.alive) {
      log(`removing stale ${join(paths.dataDir, 'postmaster.pid')} (pid ${pidInfo.pid} is not running; the server was not shut down cleanly)`);
      rmSync(join(paths.dataDir, 'postmaster.pid'), { force: true });
    }

    let port = readPort(paths);
    if (port === undefined) {
      port = await freePort();
    } else if (!(await portFree(port))) {
      const old = port;
      port = await freePort();
      log(`port ${old} on 127.0.0.1 is in use by another program; using free port ${port} from now on`);
    }
    writeConf(paths, port, opts.settings ?? {});
    if (owner) {
      chownSync(paths.confFile, owner.uid, owner.gid);
      if (existsSync(paths.logFile)) chownSync(paths.logFile, owner.uid, owner.gid);
    }

    const r = runAs(owner, paths.home, join(bin, 'pg_ctl'), [
      '-D', paths.dataDir, '-l', paths.logFile, '-w', '-t', '120', 'start',
    ]);
    if (r.status !== 0) {
      let tail = '';
      try { tail = readFileSync(paths.logFile, 'utf8').split('\n').slice(-25).join('\n'); } catch { /* none */ }
      throw new UserError(`could not start the embedded PostgreSQL (pg_ctl exit ${r.status})`, '58000',
        `See ${paths.logFile}; bqx db destroy --yes starts over with a new cluster.`, `${r.out.trim()}\n--- ${paths.logFile} (last lines) ---\n${tail}`);
    }
    await ensureDatabase(port);
    log(`${fresh ? 'created and started' : 'started'} the embedded PostgreSQL on 127.0.0.1:${port} (data: ${paths.dataDir})`);
    return { alreadyRunning: false, port, url: clusterUrl(port), dataDir: paths.dataDir };
  });
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ connectionString: clusterUrl(port, 'postgres') });
  await client.connect();
  try {
    const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [CLUSTER_DATABASE]);
    if (r.rowCount === 0) await client.query(`CREATE DATABASE ${CLUSTER_DATABASE}`);
  } finally {
    await client.end();
  }
}

export interface StopResult { wasRunning: boolean; staleRemoved: boolean }

export async function stop(opts: { log?: Log; paths?: ClusterPaths } = {}): Promise<StopResult> {
  const log = opts.log ?? (() => {});
  const paths = opts.paths ?? clusterPaths();
  return withLock(paths, async () => {
    if (!isInitialized(paths)) return { wasRunning: false, staleRemoved: false };
    const pidInfo = readPidFile(paths);
    if (!pidInfo) return { wasRunning: false, staleRemoved: false };
    if (!pidInfo.alive) {
      rmSync(join(paths.dataDir, 'postmaster.pid'), { force: true });
      return { wasRunning: false, staleRemoved: true };
    }
    const bin = findBinDir();
    if (bin) {
      const r = runAs(postgresOwner(), paths.home, join(bin, 'pg_ctl'), ['-D', paths.dataDir, '-m', 'fast', '-w', '-t', '120', 'stop']);
      if (r.status !== 0) throw new UserError('pg_ctl stop failed', '58000', undefined, r.out.trim());
    } else {
      // binaries gone (uninstalled?) while the server runs: signal it directly (fast shutdown)
      process.kill(pidInfo.pid, 'SIGINT');
      const deadline = Date.now() + 120_000;
      while (processAlive(pidInfo.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    }
    return { wasRunning: true, staleRemoved: false };
  });
}

/** Stop the cluster and delete its data directory. */
export async function destroy(opts: { log?: Log; paths?: ClusterPaths } = {}): Promise<void> {
  const paths = opts.paths ?? clusterPaths();
  await stop(opts);
  rmSync(paths.dataDir, { recursive: true, force: true });
}

/** Start when needed and return the URL of database `bqx`. */
export async function ensureRunning(opts: { log?: Log; paths?: ClusterPaths } = {}): Promise<string> {
  return (await start(opts)).url;
}

/** Helper for callers that only want to know whether it is up, without starting it. */
export function runningUrl(paths = clusterPaths()): string | undefined {
  const st = status(paths);
  return st.running ? st.url : undefined;
}
