// `bqx demo`, the README's first command, end to end on an embedded cluster of its own
// (BQX_HOME in a temporary folder; never the user's .bqx/): start, migrate, seed,
// backfill, report; and a second run finds everything done.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../scripts/lib/paths.js';

const home = mkdtempSync(join(tmpdir(), 'bqx-demo-test-'));
const cli = join(projectRoot, 'dist/bqx.js');

function bqx(...args: string[]): { code: number; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, BQX_HOME: home };
  for (const k of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD']) delete env[k];
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: projectRoot, encoding: 'utf8', env, timeout: 400_000 });
  return { code: r.status ?? -1, out: `${r.stdout}\n${r.stderr}` };
}

describe('bqx demo on the embedded default', () => {
  afterAll(() => {
    bqx('db', 'stop');
    rmSync(home, { recursive: true, force: true });
  });

  it('starts its own Postgres, migrates, seeds, backfills and prints the report', () => {
    expect(existsSync(cli), 'dist/bqx.js is built by npm test (node build.mjs)').toBe(true);
    const r = bqx('demo', '--months', '1', '--pairs', 'EURUSD,USDJPY,EURJPY');
    if (r.code !== 0) console.error(r.out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('using the embedded PostgreSQL');
    expect(r.out).toMatch(/bqx demo: 3\/5 seed/);
    expect(r.out).toMatch(/3 jobs queued, 3 done, 0 failed/);
    // the report, printed and saved next to the cluster
    const report = readFileSync(join(home, 'demo-report.md'), 'utf8');
    for (const section of ['## Overall statistics', '## Completion by pair', '## Performance', '## Data quality', '## Storage']) {
      expect(report).toContain(section);
    }
    expect(report).toMatch(/\| EURJPY \| 1\/1 \| 100\.0 \|/);
    // and the HTML report with charts beside it (test/report-html.test.ts checks its content)
    expect(r.out).toContain(`with charts: ${join(home, 'demo-report.html')}`);
    expect(readFileSync(join(home, 'demo-report.html'), 'utf8')).toContain('<figure class="chart" data-chart="features"');
    // plain output when stdout is not a terminal: no control codes
    expect(r.out).not.toMatch(/\u001b\[/);
  }, 420_000);

  it('finds everything done when run again', () => {
    const r = bqx('demo', '--months', '1', '--pairs', 'EURUSD,USDJPY,EURJPY');
    expect(r.code).toBe(0);
    expect(r.out).toContain('already there: 3 pair-months of bars');
    expect(r.out).toMatch(/0 jobs queued/);
  }, 420_000);
});
