// The local Citus cluster's front door without a cluster: the CLI's answers when Citus is
// missing or the worker count is wrong, and the BQX_REQUIRE_CITUS switch (the cluster
// itself is exercised by test/citus.test.ts).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { citusRequired } from './support/citus.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const home = mkdtempSync(join(tmpdir(), 'bqx-citus-cli-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function db(env: Record<string, string>, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'test/support/db-cli.ts'), 'db', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, BQX_HOME: home, NODE_OPTIONS: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('bqx db start --citus', () => {
  it('without Citus (no PostgreSQL binaries here): says what to install, SQLSTATE 58P01, exit 1, starts nothing', () => {
    const r = db({ BQX_PG_BINDIR: join(home, 'no-such-bin') }, 'start', '--citus', '2');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Citus is not available: PostgreSQL 15 server binaries are not installed \(SQLSTATE 58P01\)/);
    expect(r.err).toMatch(/HINT: Install Citus 13 for PostgreSQL 15/);
    expect(db({}, 'status', '--citus').code).toBe(3);
  });

  it('PostgreSQL 15 without Citus: names the library folder that lacks citus.so and what to install', () => {
    // a bin folder whose pg_config points at a library folder without citus.so
    const bin = join(home, 'bin');
    const lib = join(home, 'lib');
    mkdirSync(bin, { recursive: true });
    mkdirSync(lib, { recursive: true });
    for (const f of ['pg_ctl', 'postgres']) writeFileSync(join(bin, f), '');
    writeFileSync(join(bin, 'pg_config'), `#!/bin/sh\necho ${lib}\n`);
    chmodSync(join(bin, 'pg_config'), 0o755);
    const r = db({ BQX_PG_BINDIR: bin }, 'start', '--citus', '2');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`Citus is not available: no citus.so in ${lib} (SQLSTATE 58P01)`);
    expect(r.err).toMatch(/HINT: Install Citus 13 for PostgreSQL 15/);
  });

  it('a worker count below 1 is refused with 22023 and an example', () => {
    const r = db({}, 'start', '--citus', '0');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--citus needs a number of workers >= 1, got 0 \(SQLSTATE 22023\)/);
    expect(r.err).toMatch(/HINT: For example: bqx db start --citus 2/);
  });
});

describe('BQX_REQUIRE_CITUS', () => {
  it('is 1 (required), 0 or unset (not required), anything else a mistake', () => {
    expect(citusRequired({ BQX_REQUIRE_CITUS: '1' })).toBe(true);
    expect(citusRequired({ BQX_REQUIRE_CITUS: '0' })).toBe(false);
    expect(citusRequired({})).toBe(false);
    expect(() => citusRequired({ BQX_REQUIRE_CITUS: 'yes' })).toThrow(/must be 1 or 0/);
  });
});
