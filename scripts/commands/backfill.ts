// bqx backfill --pairs EURUSD,GBPJPY|all --from 2024-07 --to 2025-06 --workers 6 [--via node|cron] [--force]
import type { Command } from 'commander';
import { resolveConnection } from '../lib/connection.js';
import { backfillWithView, throughput } from '../backfill/view.js';
import { parsePairsOption } from '../lib/pairs-option.js';

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description('queue pair-month jobs and run them with N workers (Node connections or pg_cron), with a live progress view')
    .requiredOption('--from <month>', 'first month, YYYY-MM (UTC)')
    .requiredOption('--to <month>', 'last month, YYYY-MM, included')
    .option('--pairs <list>', 'comma-separated pairs, or all', 'all')
    .option('--workers <n>', 'number of workers', '6')
    .option('--via <driver>', 'node (connections of this process) or cron (pg_cron jobs in the database)', 'node')
    .option('--force', 're-run months that are already done')
    .action(async (o: { from: string; to: string; pairs: string; workers: string; via: string; force?: boolean }) => {
      const workers = Number(o.workers);
      const conn = await resolveConnection();
      const ac = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        interrupts++;
        if (interrupts === 1) {
          ac.abort();
          console.error(o.via === 'cron'
            ? '\nbqx: stopped watching; the pg_cron workers keep going (SELECT bqx.unschedule() stops them)'
            : '\nbqx: stopping after the current jobs (Ctrl-C again to abandon them; they are re-run next time)');
        } else {
          process.exit(130);
        }
      };
      process.on('SIGINT', onSigint);
      try {
        const r = await backfillWithView(conn.connectionString, {
          pairs: parsePairsOption(o.pairs), from: o.from, to: o.to, workers, via: o.via as 'node' | 'cron',
          force: o.force ?? false, signal: ac.signal,
        });
        console.log(`bqx: ${r.enqueued} jobs queued; ${r.done} done, ${r.failed} failed, ${r.pending} left; ${throughput(r)}`);
        if (r.stopped) console.log('bqx: stopped; run the same command again to resume');
        if (r.failed > 0) {
          console.log('bqx: failed jobs: SELECT * FROM bqx.failed_jobs; fix the cause and run the command again to retry them');
          process.exitCode = 1;
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
