// bqx verify [--pairs EURUSD,USDJPY|all] [--from 2019-01] [--to 2019-12] [--sample 200]
// Runs SELECT * FROM bqx.verify(pair, month, sample) for every backfilled pair-month in
// the range, prints the failures and a summary; exits 1 when any check failed.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import pg from 'pg';
import { redactUrl, resolveConnection } from '../lib/connection.js';
import { parsePairsOption } from '../lib/pairs-option.js';
import { UserError } from '../lib/user-error.js';

interface VerifyCliOptions {
  pairs?: string;
  from?: string;
  to?: string;
  sample: string;
}

interface CheckRow { check: string; ok: boolean; expected: string; actual: string; detail: string }

export interface VerifyFailure { pair: string; month: string; row: CheckRow }

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
      const client = new pg.Client({ connectionString: conn.connectionString, application_name: 'bqx verify' });
      await client.connect();
      try {
        const targets = (await client.query<{ pair: string; month: string }>(
          'select pair, month from bqx_internal.verify_targets($1::text[], $2, $3)', [pairs, o.from ?? null, o.to ?? null])).rows;
        console.log(`bqx: verifying ${targets.length} pair-month(s) in ${redactUrl(conn.connectionString)} (${conn.source}), sample ${sample}`);
        if (targets.length === 0) {
          console.log('nothing to verify: no backfilled month matches (backfill first: bqx backfill ...)');
          return;
        }
        const failures: VerifyFailure[] = [];
        const tty = process.stdout.isTTY === true;
        const bar = tty ? new cliProgress.SingleBar(
          { format: 'verify [{bar}] {percentage}% | {value}/{total} pair-months | {last} | failures {failures} | ETA {eta_formatted}', hideCursor: true },
          cliProgress.Presets.shades_classic) : undefined;
        bar?.start(targets.length, 0, { last: '', failures: 0 });
        let lastLine = 0;
        const started = Date.now();
        for (let i = 0; i < targets.length; i++) {
          const t = targets[i];
          const rows = (await client.query<CheckRow>('select * from bqx.verify($1, $2, $3)', [t.pair, t.month, sample])).rows;
          for (const row of rows) {
            if (!row.ok) {
              failures.push({ pair: t.pair, month: t.month, row });
              const line = `FAILED ${t.pair} ${t.month} ${row.check}: expected ${row.expected}, actual ${row.actual} (${row.detail})`;
              if (!bar) console.log(line); // on a TTY the failures are listed after the bar
            }
          }
          if (bar) bar.update(i + 1, { last: `${t.pair} ${t.month}`, failures: failures.length });
          else if (Date.now() - lastLine >= 2000 || i + 1 === targets.length) {
            lastLine = Date.now();
            console.log(`verify: ${i + 1}/${targets.length} pair-months (last ${t.pair} ${t.month}), ${failures.length} failures`);
          }
        }
        bar?.stop();
        const failedMonths = new Set(failures.map((f) => `${f.pair} ${f.month}`)).size;
        const secs = ((Date.now() - started) / 1000).toFixed(1);
        console.log('');
        console.log(`| pair-months | passed | failed | failed checks | seconds |`);
        console.log(`|---:|---:|---:|---:|---:|`);
        console.log(`| ${targets.length} | ${targets.length - failedMonths} | ${failedMonths} | ${failures.length} | ${secs} |`);
        if (failures.length > 0) {
          console.log('');
          for (const f of failures) {
            console.log(`FAILED ${f.pair} ${f.month} ${f.row.check}: expected ${f.row.expected}, actual ${f.row.actual} (${f.row.detail})`);
          }
          process.exitCode = 1;
        }
      } finally {
        await client.end().catch(() => {});
      }
    });
}
