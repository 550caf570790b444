// bqx status [--watch]: the progress views, printed.
import type pg from 'pg';
import type { Command } from 'commander';
import { resolveConnection } from '../lib/connection.js';
import { withClient } from '../lib/client.js';
import { isTerminal } from '../lib/progress.js';
import { failureLine, formatDuration, formatInt, readSnapshot } from '../backfill/snapshot.js';

async function printStatus(client: pg.Client, recent: number): Promise<string> {
  const s = await readSnapshot(client);
  const o = s.overall;
  const lines: string[] = [];
  lines.push(`jobs: ${o.jobsTotal} total, ${o.jobsDone} done (${o.pct.toFixed(1)}%), ${o.jobsRunning} running, `
    + `${o.jobsPending} pending, ${o.jobsFailed} failed; ${o.workersActive} workers active`);
  lines.push(`rows: ${formatInt(o.rowsWritten)} written, ${formatInt(o.badBars)} bad bars left out; `
    + `${o.rowsPerSec !== null ? formatInt(o.rowsPerSec) : '?'} rows/s; elapsed ${formatDuration(o.elapsedSeconds)}; `
    + `ETA ${o.jobsLeft === 0 ? 'complete' : formatDuration(o.etaSeconds)}`);
  lines.push('', 'pair     months        %  rows          status');
  for (const p of s.pairs) {
    lines.push(`${p.pair.padEnd(8)} ${`${p.monthsDone}/${p.monthsTotal}`.padEnd(8)} ${p.pct.toFixed(1).padStart(6)}  ${formatInt(p.rowsWritten).padEnd(13)} ${p.status}`);
  }
  const r = await client.query(`select * from bqx.recent_jobs limit $1`, [recent]);
  lines.push('', 'recent activity:');
  for (const j of r.rows) {
    lines.push(`  ${j.finished_at ? new Date(j.finished_at).toISOString() : 'running'.padEnd(24)}  ${String(j.worker ?? '-').padEnd(22)} ${j.pair} ${j.month} ${j.status.padEnd(7)} `
      + `${j.rows_written === null ? '-' : formatInt(Number(j.rows_written))} rows ${j.seconds ?? '-'} s`);
  }
  lines.push(...s.failed.map(failureLine));
  return lines.join('\n');
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('print backfill progress: overall, by pair, recent activity, failures')
    .option('--watch', 'refresh every 2 seconds until Ctrl-C')
    .option('--recent <n>', 'recent jobs to show', '10')
    .action(async (o: { watch?: boolean; recent: string }) => {
      const conn = await resolveConnection();
      await withClient(conn.connectionString, 'bqx status', async (client) => {
        if (!o.watch) {
          console.log(await printStatus(client, Number(o.recent)));
          return;
        }
        let stop = false;
        process.once('SIGINT', () => { stop = true; });
        while (!stop) {
          const text = await printStatus(client, Number(o.recent));
          if (isTerminal()) process.stdout.write(`\x1b[2J\x1b[H${text}\n`);
          else console.log(`${text}\n`);
          await new Promise((r) => setTimeout(r, 2000));
        }
      });
    });
}
