// What the host needs before an embedded cluster can run, and nothing about any cluster:
//
// - the PostgreSQL 15 server binaries and pg_cron: found in the usual places (or
//   BQX_PG_BINDIR); when missing and bqx runs as root they are installed with apt-get
//   (after writing /etc/postgresql-common/createcluster.d so that Debian makes no "main"
//   cluster of its own); otherwise the error says exactly what to install
// - the `postgres` OS user, and running a program as it (Postgres refuses to run as root),
//   with the directories above a data folder made traversable for it
//
// The cluster itself (paths, ports, lock file, initdb, start/stop) is local-cluster.ts.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { UserError } from './user-error.js';

export const PG_MAJOR = 15;
export const CLUSTER_USER = 'postgres';
export const APT_PACKAGES = [`postgresql-${PG_MAJOR}`, `postgresql-${PG_MAJOR}-cron`];

export type Log = (msg: string) => void;

// ---------------------------------------------------------------------------------------
// binaries

const BIN_CANDIDATES = [
  `/usr/lib/postgresql/${PG_MAJOR}/bin`, // Debian, Ubuntu
  `/usr/pgsql-${PG_MAJOR}/bin`, // RHEL, Fedora (PGDG)
  `/opt/homebrew/opt/postgresql@${PG_MAJOR}/bin`,
  `/usr/local/opt/postgresql@${PG_MAJOR}/bin`,
];

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

export function findBinDir(): string | undefined {
  const env = process.env.BQX_PG_BINDIR;
  if (env) return existsSync(join(env, 'pg_ctl')) ? env : undefined;
  return BIN_CANDIDATES.find((d) => existsSync(join(d, 'pg_ctl')) && existsSync(join(d, 'postgres')));
}

function pgCronInstalled(binDir: string): boolean {
  const libDirs = [join(binDir, '..', 'lib')];
  const pgConfig = join(binDir, 'pg_config');
  if (existsSync(pgConfig)) {
    const r = spawnSync(pgConfig, ['--pkglibdir'], { encoding: 'utf8' });
    if (r.status === 0) libDirs.unshift(r.stdout.trim());
  }
  return libDirs.some((d) => existsSync(join(d, 'pg_cron.so')));
}

function installHint(): string {
  return (
    `PostgreSQL ${PG_MAJOR} server binaries and pg_cron are needed for the embedded database.\n` +
    `Install them (Debian/Ubuntu): sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES.join(' ')}\n` +
    `(other systems: the PostgreSQL ${PG_MAJOR} server and pg_cron for it; set BQX_PG_BINDIR to its bin directory),\n` +
    `or point bqx at an existing server with DATABASE_URL or the PG* variables.`
  );
}

function aptInstall(log: Log): void {
  log(`installing ${APT_PACKAGES.join(' ')} with apt-get (running as root)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // no default "main" cluster: bqx makes its own
  try {
    mkdirSync('/etc/postgresql-common/createcluster.d', { recursive: true });
    const f = '/etc/postgresql-common/createcluster.d/bqx-no-main-cluster.conf';
    if (!existsSync('/etc/postgresql-common/createcluster.conf') && !existsSync(f)) {
      writeFileSync(f, 'create_main_cluster = false\n');
    }
  } catch { /* best effort */ }
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', '--no-install-recommends', ...APT_PACKAGES],
  ]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.error || r.status !== 0) {
      throw new UserError(`apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`, '58000', installHint());
    }
  }
}

/** The PG 15 bin directory, installing the packages first when root and they are missing. */
export function ensureBinaries(log: Log = () => {}, opts: { install?: boolean } = {}): string {
  let bin = findBinDir();
  if (bin && pgCronInstalled(bin)) return bin;
  const missing = bin ? 'pg_cron (postgresql-15-cron)' : `PostgreSQL ${PG_MAJOR} server binaries`;
  if (opts.install !== false && isRoot() && !process.env.BQX_PG_BINDIR && spawnSync('apt-get', ['--version']).status === 0) {
    log(`${missing} not found.`);
    aptInstall(log);
    bin = findBinDir();
    if (bin && pgCronInstalled(bin)) return bin;
  }
  throw new UserError(`${missing} not found`, '58P01', installHint());
}

export function binaryVersion(binDir: string): string | undefined {
  const r = spawnSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

// ---------------------------------------------------------------------------------------
// running things as the postgres OS user

/** The OS user a cluster runs as when bqx runs as root. */
export interface Owner { uid: number; gid: number; name: string }

/** The `postgres` OS user when bqx runs as root, else undefined (run as ourselves). */
export function postgresOwner(): Owner | undefined {
  if (!isRoot()) return undefined;
  const uid = spawnSync('id', ['-u', CLUSTER_USER], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', CLUSTER_USER], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new UserError(
      `bqx runs as root, and Postgres refuses to run as root, but there is no OS user "${CLUSTER_USER}"`, '42704',
      `Create it (useradd --system --home /var/lib/postgresql ${CLUSTER_USER}) or install ${APT_PACKAGES[0]}, which creates it.`,
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name: CLUSTER_USER };
}

/** argv that runs `cmd` as the cluster owner */
function asOwner(owner: Owner | undefined, cmd: string, args: string[]): [string, string[]] {
  if (!owner) return [cmd, args];
  return ['setpriv', [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--init-groups', '--', cmd, ...args]];
}

/** Run `cmd` (as `owner` when given) and return its exit status and output. */
export function runAs(owner: Owner | undefined, cwd: string, cmd: string, args: string[]): { status: number; out: string } {
  const [c, a] = asOwner(owner, cmd, args);
  const r = spawnSync(c, a, { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new UserError(`could not run ${cmd}: ${r.error.message}`, '58000');
  return { status: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Make every ancestor of `dir` traversable (o+x) so the postgres user can reach it. */
export function ensureTraversable(dir: string, log: Log): void {
  const parts = resolve(dir).split(sep).filter(Boolean);
  let p = '';
  for (const part of parts) {
    p += sep + part;
    const st = statSync(p);
    if ((st.mode & 0o001) === 0) {
      chmodSync(p, st.mode | 0o001);
      log(`made ${p} traversable (o+x) so the "${CLUSTER_USER}" OS user can reach the data directory`);
    }
  }
}
