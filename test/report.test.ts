// bqx report renders every section from a real run.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { loadWalkBars } from './support/queue.js';
import { runBackfill } from '../scripts/backfill/run.js';
import { buildReport } from '../scripts/commands/report.js';
import { plainView } from '../scripts/backfill/view.js';

describe('report', () => {
  let db: TestDb;
  let md: string;
  const lines: string[] = [];
  beforeAll(async () => {
    db = await testDatabase('report');
    await loadWalkBars(db, ['EURUSD', 'GBPJPY'], '2024-07-01', '2024-09-01');
    const view = plainView((l) => lines.push(l), 0);
    await runBackfill(db.url, { pairs: ['EURUSD', 'GBPJPY', 'AUDCAD'], from: '2024-07', to: '2024-08', workers: 2,
      onProgress: (s) => view.update(s), pollMs: 100 });
    md = await buildReport(db.url, { verifyMonths: 2 });
  });
  afterAll(async () => { await db?.end(); });

  it('has every section with live numbers', () => {
    for (const h of ['# BQX backfill progress report', '## Overall statistics', '## Completion by pair', '## Performance',
      '## Time analysis', '## Recent activity', '## Data quality', '## Storage', '## Failures', '## Verification']) {
      expect(md).toContain(h);
    }
    const rows = md.match(/\| BQX rows written \| ([\d,]+) \|/);
    expect(rows).not.toBeNull();
    expect(Number(rows![1].replace(/,/g, ''))).toBeGreaterThan(100_000);
    expect(md).toMatch(/\| done \| 4 \(66\.7%\) \|/);
    expect(md).toMatch(/\| failed \| 2 \|/);
    expect(md).toMatch(/\| EURUSD \| 2\/2 \| 100\.0 \| [\d,]+ \| 0 \| done \|/);
    expect(md).toMatch(/\| AUDCAD \| 0\/2 \| 0\.0 \| 0 \| 0 \| failed \|/);
    expect(md).toMatch(/\| throughput \| [\d,]+ rows\/s \|/);
    expect(md).toMatch(/\| ETA \| complete \|/);
    expect(md).toMatch(/\| node-\d pid \d+ \| (EURUSD|GBPJPY|AUDCAD) \| 2024-0[78] \|/);
    // data quality: 75 NULL rows per pair, all at the start of history
    expect(md).toContain('NULL windows only in the first 75 good bars');
    expect(md).toMatch(/\| EURUSD \| [\d,]+ \| 75 \| 0 \| 2024-07-01 00:00:00 UTC \| 2024-07-01 01:14:00 UTC \| 0 \|/);
    expect(md).toMatch(/\| EURUSD \| 2 \| [\d,]+ \| [\d.]+ MB \|/);
    expect(md).toMatch(/\| AUDCAD \| 2024-07 \| 3 \| P0002 \| no source bars for AUDCAD in 2024-07/);
    expect(md).toMatch(/bqx\.verify checked the 2 most recent pair-months|Verification was not run/);
  });

  it('printed plain progress lines and the failures as they happened', () => {
    expect(lines.some((l) => /^bqx: \d+\/6 months/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('FAILED AUDCAD 2024-07 after 3 attempts'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/\x1b\[/);
  });

  it('bqx status prints the same run from the one snapshot of the progress views', async () => {
    const r = await promisify(execFile)('npx', ['tsx', 'scripts/cli.ts', 'status'],
      { env: { ...process.env, DATABASE_URL: db.url }, cwd: new URL('..', import.meta.url).pathname });
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('jobs: 6 total, 4 done (66.7%), 0 running, 0 pending, 2 failed; 0 workers active');
    expect(out[1]).toMatch(/^rows: [\d,]+ written, 0 bad bars left out; [\d,]+ rows\/s; elapsed \d+s; ETA complete$/);
    expect(out).toContain('AUDCAD   0/2         0.0  0             failed');
    expect(out.some((l) => /^EURUSD   2\/2       100\.0  [\d,]+ +done$/.test(l))).toBe(true);
    expect(out.filter((l) => l.startsWith('FAILED '))).toEqual([
      'FAILED AUDCAD 2024-07 after 3 attempts: no source bars for AUDCAD in 2024-07 '
        + '(The source relation bqx.m1 has no bars of this pair in [2024-07-01 00:00:00, 2024-08-01 00:00:00).) (SQLSTATE P0002)',
      'FAILED AUDCAD 2024-08 after 3 attempts: no source bars for AUDCAD in 2024-08 '
        + '(The source relation bqx.m1 has no bars of this pair in [2024-08-01 00:00:00, 2024-09-01 00:00:00).) (SQLSTATE P0002)',
    ]);
  }, 60_000);
});
