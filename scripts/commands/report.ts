// bqx report [--out FILE]: the Markdown progress report from live data.
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import type { Command } from 'commander';
import { resolveConnection } from '../lib/connection.js';
import { collectReport } from '../report/collect.js';
import { renderReport } from '../report/render.js';

export async function buildReport(connectionString: string, opts: { recent?: number; verifyMonths?: number } = {}): Promise<string> {
  const client = new pg.Client({ connectionString, application_name: 'bqx report' });
  await client.connect();
  try {
    return renderReport(await collectReport(client, opts));
  } finally {
    await client.end();
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write the Markdown backfill progress report (stdout, or --out FILE)')
    .option('--out <file>', 'write the report to this file')
    .option('--recent <n>', 'recent jobs to list', '10')
    .option('--verify <n>', 'run bqx.verify (when installed) on the n most recent done pair-months; 0 skips', '12')
    .action(async (o: { out?: string; recent: string; verify: string }) => {
      const conn = await resolveConnection();
      const md = await buildReport(conn.connectionString, { recent: Number(o.recent), verifyMonths: Number(o.verify) });
      if (o.out) {
        writeFileSync(o.out, md);
        console.log(`bqx: report written to ${o.out}`);
      } else {
        process.stdout.write(md);
      }
    });
}
