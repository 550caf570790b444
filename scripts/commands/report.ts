// bqx report [--out FILE] [--html [--pair P --day YYYY-MM-DD]]: the progress report from
// live data, as Markdown or as one self-contained HTML file with charts.
import { writeFileSync } from 'node:fs';
import { UserError } from '../lib/user-error.js';
import type { Command } from 'commander';
import { resolveConnection } from '../lib/connection.js';
import { withClient } from '../lib/client.js';
import { collectReport, type CollectOptions } from '../report/collect.js';
import { collectChartData, type FeatureChoice } from '../report/chart-data.js';
import { renderReport } from '../report/render.js';
import { renderHtmlReport } from '../report/html.js';

export async function buildReport(connectionString: string, opts: CollectOptions = {}): Promise<string> {
  return withClient(connectionString, 'bqx report', async (c) => renderReport(await collectReport(c, opts)));
}

/** Both reports from one read; the HTML one shows the features of `pair` on `day` (defaults: the most recent full day). */
export async function buildReports(connectionString: string, opts: CollectOptions & FeatureChoice = {}): Promise<{ markdown: string; html: string }> {
  return withClient(connectionString, 'bqx report', async (c) => {
    const charts = await collectChartData(c, opts); // first: it checks --pair and --day
    const data = await collectReport(c, opts);
    return { markdown: renderReport(data), html: await renderHtmlReport(data, charts) };
  });
}

export async function buildHtmlReport(connectionString: string, opts: CollectOptions & FeatureChoice = {}): Promise<string> {
  return (await buildReports(connectionString, opts)).html;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write the backfill progress report: Markdown (stdout, or --out FILE), or --html with charts')
    .option('--out <file>', 'write the report to this file (with --html: default bqx-report.html)')
    .option('--html', 'one self-contained HTML file with charts, readable offline')
    .option('--pair <pair>', 'with --html: the pair of the features panel (default: the one with the most recent data)')
    .option('--day <YYYY-MM-DD>', 'with --html: the UTC day of the features panel (default: the most recent backfilled day)')
    .option('--recent <n>', 'recent jobs to list', '10')
    .option('--verify <n>', 'run bqx.verify (when installed) on the n most recent done pair-months; 0 skips', '12')
    .action(async (o: { out?: string; html?: boolean; pair?: string; day?: string; recent: string; verify: string }) => {
      if (!o.html && (o.pair || o.day)) throw new UserError('--pair and --day choose the features panel of the HTML report', undefined, 'Add --html, for example: bqx report --html --pair EURUSD --day 2024-07-15');
      const conn = await resolveConnection();
      const opts = { recent: Number(o.recent), verifyMonths: Number(o.verify) };
      if (o.html) {
        const out = o.out ?? 'bqx-report.html';
        writeFileSync(out, await buildHtmlReport(conn.connectionString, { ...opts, pair: o.pair, day: o.day }));
        console.log(`bqx: HTML report written to ${out}`);
        return;
      }
      const md = await buildReport(conn.connectionString, opts);
      if (o.out) {
        writeFileSync(o.out, md);
        console.log(`bqx: report written to ${o.out}`);
      } else {
        process.stdout.write(md);
      }
    });
}
