// bqx verify [--pairs EURUSD,USDJPY|all] [--from 2019-01] [--to 2019-12] [--sample 200]
// Runs SELECT * FROM bqx.verify(pair, month, sample) for every backfilled pair-month in
// the range, prints the failures and a summary; exits 1 when any check failed.
import type { Command } from 'commander';
import { redactUrl, resolveConnection } from '../lib/connection.js';
import { withClient } from '../lib/client.js';
import { parsePairsOption } from '../lib/pairs-option.js';
import { isTerminal, progressView } from '../lib/progress.js';
import { UserError } from '../lib/user-error.js';

interface VerifyCliOptions {
  pairs?: string;
  from?: string;
  to?: string;
  sample: string;
}

interface CheckRow { check: string; ok: boolean; expected: string; actual: string; detail: string }

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check backfilled pair-months: row counts, orphan rows, NULL placement, NaN/Infinity, and a random sample recomputed by the direct formula')
    .option('--pairs <list>', 'comma-separated pairs or "all" (default: every pair with backfilled months)')
    .option('--from <YYYY-MM>', 'first month (default: the first backfilled one)')
    .option('--to <YYYY-MM>', 'last month, inclusive (default: the last backfilled one)')
    .option('--sample <n>', 'rows per pair-month recomputed by the direct formula', '200')
    .action(async (o: VerifyCliOptions) => {
      const sample = Number(o.sample);
      if (!Number.isInteger(sample) || sample < 0) {
        throw new UserError(`--sample must be a non-negative integer, got "${o.sample}"`, undefined, 'For example --sample 200.');
      }
      const pairs = o.pairs === undefined ? null : parsePairsOption(o.pairs);
      const conn = await resolveConnection();
      await withClient(conn.connectionString, 'bqx verify', async (client) => {
        const targets = (await client.query<{ pair: string; month: string }>(
          'select pair, month from bqx_internal.verify_targets($1::text[], $2, $3)', [pairs, o.from ?? null, o.to ?? null])).rows;
        console.log(`bqx: verifying ${targets.length} pair-month(s) in ${redactUrl(conn.connectionString)} (${conn.source}), sample ${sample}`);
        if (targets.length === 0) {
          console.log('nothing to verify: no backfilled month matches (backfill first: bqx backfill ...)');
          return;
        }
        const failures: string[] = [];
        const failedMonths = new Set<string>();
        const view = progressView<{ last: string; failures: number }>(
          'verify [{bar}] {percentage}% | {value}/{total} pair-months | {last} | failures {failures} | ETA {eta_formatted}',
          (done, total, p) => `verify: ${done}/${total} pair-months (last ${p.last}), ${p.failures} failures`);
        const started = Date.now();
        for (const [i, t] of targets.entries()) {
          const rows = (await client.query<CheckRow>('select * from bqx.verify($1, $2, $3)', [t.pair, t.month, sample])).rows;
          for (const row of rows.filter((r) => !r.ok)) {
            failures.push(`FAILED ${t.pair} ${t.month} ${row.check}: expected ${row.expected}, actual ${row.actual} (${row.detail})`);
            failedMonths.add(`${t.pair} ${t.month}`);
            if (!isTerminal()) console.log(failures.at(-1)); // on a TTY the failures are listed after the bar
          }
          view.update(i + 1, targets.length, { last: `${t.pair} ${t.month}`, failures: failures.length });
        }
        view.stop();
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        console.log('');
        console.log(`| pair-months | passed | failed | failed checks | seconds |`);
        console.log(`|---:|---:|---:|---:|---:|`);
        console.log(`| ${targets.length} | ${targets.length - failedMonths.size} | ${failedMonths.size} | ${failures.length} | ${secs} |`);
        if (failures.length > 0) {
          console.log(['', ...failures].join('\n'));
          process.exitCode = 1;
        }
      });
    });
}
