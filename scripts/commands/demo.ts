// bqx demo: the whole story on the embedded default (or DATABASE_URL): start Postgres,
// migrate, seed 28 pairs of market-like bars, backfill them with the live view, and print
// the progress report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { resolveConnection } from '../lib/connection.js';
import { withClient } from '../lib/client.js';
import { migrate } from '../lib/migrate.js';
import { clusterPaths } from '../lib/local-cluster.js';
import { parsePairsOption } from '../lib/pairs-option.js';
import { UserError } from '../lib/user-error.js';
import { seedBars } from '../seed/index.js';
import { formatInt } from '../backfill/snapshot.js';
import { backfillWithView, throughput } from '../backfill/view.js';
import { monthLabel } from '../seed/market-model.js';
import { parseSeedMonth } from '../seed/options.js';
import { buildReports } from './report.js';
import { seedProgressView } from './seed.js';

const FIRST_MONTH = '2024-07';
const FULL_LAST_MONTH = '2025-06';

/** Pair-months of the range that already hold bars (a second demo run does not seed again). */
async function seededPairMonths(url: string, from: string, to: string): Promise<Set<string>> {
  return withClient(url, 'bqx demo', async (c) => {
    const r = await c.query(
      `select distinct m.pair || ' ' || to_char(m.ts_utc at time zone 'UTC', 'YYYY-MM') as k
         from bqx.m1 m
        where m.ts_utc >= (select month_start from bqx_internal.parse_month($1))
          and m.ts_utc <  (select month_end from bqx_internal.parse_month($2))`, [from, to]);
    return new Set(r.rows.map((x) => x.k as string));
  });
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('start the embedded Postgres, migrate, seed 28 pairs, backfill with the live view, print the report')
    .option('--months <n>', `months to seed and backfill from ${FIRST_MONTH}`, '2')
    .option('--full', `the whole year ${FIRST_MONTH}..${FULL_LAST_MONTH} (the seed's 336 pair-month workload)`)
    .option('--pairs <list>', 'comma-separated pairs, or all', 'all')
    .option('--workers <n>', 'backfill workers (this box has 2 cores)', '2')
    .action(async (o: { months: string; full?: boolean; pairs: string; workers: string }) => {
      const months = o.full ? 12 : Number(o.months);
      if (!Number.isInteger(months) || months < 1 || months > 120) throw new UserError(`--months must be 1..120, got "${o.months}"`, undefined, 'For example --months 2, or --full for the seed\'s whole year.');
      const from = FIRST_MONTH;
      const to = monthLabel(parseSeedMonth(FIRST_MONTH, 'from') + months - 1);
      const pairs = parsePairsOption(o.pairs);

      console.log('bqx demo: 1/5 database');
      const conn = await resolveConnection();
      console.log(`  using ${conn.source === 'embedded' ? `the embedded PostgreSQL (${clusterPaths().dataDir})` : conn.source}`);

      console.log('bqx demo: 2/5 migrate');
      await migrate(conn.connectionString);

      console.log(`bqx demo: 3/5 seed one-minute bars, ${pairs ? pairs.join(',') : '28 pairs'} x ${from}..${to}`);
      const have = await seededPairMonths(conn.connectionString, from, to);
      const pairCount = pairs ? pairs.length : 28;
      if (have.size >= pairCount * months) {
        console.log(`  already there: ${have.size} pair-months of bars (seeded by an earlier run)`);
      } else {
        const progress = seedProgressView();
        const r = await seedBars(conn.connectionString, { pairs: pairs ?? 'all', from, to, onProgress: progress.onProgress })
          .finally(() => progress.stop());
        console.log(`  ${formatInt(r.bars)} bars in ${r.seconds.toFixed(1)} s`);
      }

      console.log(`bqx demo: 4/5 backfill with ${o.workers} workers`);
      const result = await backfillWithView(conn.connectionString, { pairs, from, to, workers: Number(o.workers), via: 'node' });
      console.log(`  ${result.enqueued} jobs queued, ${result.done} done, ${result.failed} failed; ${throughput(result, 'the seed did 650 rows/s')}`);

      console.log('bqx demo: 5/5 report');
      const { markdown: md, html } = await buildReports(conn.connectionString, { recent: 10, verifyMonths: 4 });
      const dir = conn.source === 'embedded' ? clusterPaths().home : process.cwd();
      mkdirSync(dir, { recursive: true });
      const out = join(dir, 'demo-report.md');
      writeFileSync(out, md);
      const outHtml = join(dir, 'demo-report.html');
      writeFileSync(outHtml, html);
      process.stdout.write(`\n${md}\n`);
      console.log(`bqx demo: done. Report saved to ${out}`);
      console.log(`  with charts: ${outHtml} (open it in a browser)`);
      console.log(`  psql "${conn.connectionString}" -c "select * from bqx.progress_by_pair"`);
      console.log(`  psql "${conn.connectionString}" -c "call bqx.backfill('EURUSD', '${from}')"`);
      if (result.failed > 0) process.exitCode = 1;
    });
}
