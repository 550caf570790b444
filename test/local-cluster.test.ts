// The embedded cluster behind `bqx db start|stop|status|url`, with the real PostgreSQL
// binaries, in a data directory of its own (BQX_HOME), never the user's .bqx/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConnection, urlFromPgEnv } from '../scripts/lib/connection.js';
import { ensureBinaries } from '../scripts/lib/pg-installer.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const home = mkdtempSync(join(tmpdir(), 'bqx-home-test-'));
const dataDir = join(home, 'pg');

const canRun = ((): boolean => {
  if (process.getuid?.() === 0) return true; // start installs what is missing
  try {
    ensureBinaries(() => {}, { install: false });
    return true;
  } catch {
    return false;
  }
})();

function db(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'test/support/db-cli.ts'), 'db', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, BQX_HOME: home, DATABASE_URL: '', NODE_OPTIONS: '' },
    timeout: 180_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

describe.skipIf(!canRun)('embedded cluster (bqx db)', () => {
  let url = '';

  afterAll(() => {
    db('stop');
    rmSync(home, { recursive: true, force: true });
  });

  it('status before the first start says it is not initialized', () => {
    const r = db('status');
    expect(r.code).toBe(3);
    expect(r.out).toContain('not initialized');
    expect(r.out).toContain(dataDir);
  });

  it('url before the first start explains what to do', () => {
    const r = db('url');
    expect(r.code).toBe(1);
    expect(r.err).toContain('bqx db start');
  });

  it('start creates the cluster, the database bqx, and prints the URL', async () => {
    const r = db('start');
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain('created and started');
    url = r.out.trim().split('\n').pop() ?? '';
    expect(url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/bqx$/);
    const s = await query(
      url,
      `SELECT current_database() AS db, current_setting('shared_preload_libraries') AS preload,
              current_setting('cron.database_name') AS cron_db, current_setting('wal_level') AS wal,
              current_setting('shared_buffers') AS sb, current_setting('server_version_num')::int / 10000 AS major`,
    );
    expect(s.rows[0]).toEqual({ db: 'bqx', preload: 'pg_cron', cron_db: 'bqx', wal: 'minimal', sb: '512MB', major: 15 });
    // pg_cron works in database bqx
    await query(url, 'CREATE EXTENSION IF NOT EXISTS pg_cron');
  });

  it('status and url describe the running cluster', () => {
    const st = db('status');
    expect(st.code).toBe(0);
    const port = new URL(url).port;
    expect(st.out).toMatch(/status:\s+running \(pid \d+\)/);
    expect(st.out).toMatch(new RegExp(`port:\\s+${port}\\b`));
    expect(st.out).toContain(`data dir: ${dataDir}`);
    expect(st.out).toMatch(/version:.*PostgreSQL\)? 15\./);
    const u = db('url');
    expect(u.code).toBe(0);
    expect(u.out.trim()).toBe(url);
  });

  it('start again says it is already running and exits 0', () => {
    const r = db('start');
    expect(r.code).toBe(0);
    expect(r.out).toContain('already running');
    expect(r.out.trim().split('\n').pop()).toBe(url);
  });

  it('stop stops it; stop again says there is nothing to stop', () => {
    const r = db('stop');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('stopped the embedded PostgreSQL');
    const again = db('stop');
    expect(again.code).toBe(0);
    expect(again.out).toContain('not running');
    const st = db('status');
    expect(st.code).toBe(3);
    expect(st.out).toMatch(/status:\s+stopped/);
  });

  it('start after a crash removes the stale postmaster.pid and keeps the data', async () => {
    expect(db('start').code).toBe(0);
    // synchronous_commit is off in this cluster (bulk loads): a crash may lose the last
    // fraction of a second of commits, so this probe commits synchronously
    await query(url, 'SET synchronous_commit = on; CREATE TABLE crash_probe (x int); INSERT INTO crash_probe VALUES (42)');
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
    await sleep(1000); // the postmaster's children notice its death and exit
    const st = db('status');
    expect(st.out).toMatch(/status:\s+stopped/);
    const r = db('start');
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain('stale');
    const rows = await query(url, 'SELECT x FROM crash_probe');
    expect(rows.rows).toEqual([{ x: 42 }]);
  });

  it('start picks another port when its port is taken, and remembers it', async () => {
    expect(db('stop').code).toBe(0);
    const oldPort = Number(new URL(url).port);
    const blocker: Server = createServer();
    await new Promise<void>((res) => blocker.listen(oldPort, '127.0.0.1', () => res()));
    try {
      const r = db('start');
      expect(r.code, r.err + r.out).toBe(0);
      expect(r.out).toContain(`port ${oldPort}`);
      expect(r.out).toContain('in use');
      const newUrl = r.out.trim().split('\n').pop() ?? '';
      expect(Number(new URL(newUrl).port)).not.toBe(oldPort);
      expect(db('url').out.trim()).toBe(newUrl);
      const s = await query(newUrl, 'SELECT 1 AS one');
      expect(s.rows[0].one).toBe(1);
    } finally {
      await new Promise((res) => blocker.close(res));
    }
    expect(db('stop').code).toBe(0);
  });
});

describe('resolveConnection', () => {
  const saved = { ...process.env };
  afterAll(() => {
    for (const k of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('prefers DATABASE_URL', async () => {
    process.env.DATABASE_URL = 'postgresql://u@h:1/d';
    process.env.PGHOST = 'elsewhere';
    expect(await resolveConnection({ start: false })).toEqual({ connectionString: 'postgresql://u@h:1/d', source: 'DATABASE_URL' });
  });

  it('builds a URL from the PG* variables with libpq defaults', async () => {
    delete process.env.DATABASE_URL;
    for (const k of ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD']) delete process.env[k];
    process.env.PGHOST = 'db.example';
    process.env.PGUSER = 'quant';
    process.env.PGPASSWORD = 'p@ss:word';
    const r = await resolveConnection({ start: false });
    expect(r.source).toBe('PG environment');
    const u = new URL(r.connectionString);
    expect([u.hostname, u.port, u.pathname, decodeURIComponent(u.username), decodeURIComponent(u.password)]).toEqual([
      'db.example', '5432', '/quant', 'quant', 'p@ss:word',
    ]);
    expect(urlFromPgEnv({ PGHOST: '/var/run/postgresql', PGUSER: 'bob', PGDATABASE: 'bqx' })).toBe(
      'postgresql://bob@/bqx?host=%2Fvar%2Frun%2Fpostgresql&port=5432',
    );
    expect(urlFromPgEnv({})).toBeUndefined();
  });
});
