// bqx import FILE... [--pair EURUSD] [--format histdata|csv] [--tz ZONE]
//                    [--ts-column NAME --rate-column NAME] [--update] [--backfill]
import type { Command } from 'commander';
import { withClient } from '../lib/client.js';
import { redactUrl, resolveConnection } from '../lib/connection.js';
import { progressView } from '../lib/progress.js';
import { UserError } from '../lib/user-error.js';
import { formatReport, type FileCounts } from '../import/counts.js';
import type { Format } from '../import/formats.js';
import { analyzeSource, importFile, type ImportProgress } from '../import/loader.js';
import { backfillCommand, backfillPlan } from '../import/plan.js';
import { importLimits } from '../import/limits.js';
import { parseTimeZone } from '../import/timezone.js';
import { backfillWithView } from '../backfill/view.js';

interface ImportCliOptions {
  pair?: string;
  format?: string;
  tz?: string;
  tsColumn?: string;
  rateColumn?: string;
  update?: boolean;
  backfill?: boolean;
}

/** A bar per file and phase (read: MB of text parsed; write: bars written) on a TTY, plain lines every 2 s otherwise. */
function progress(): { onProgress: (p: ImportProgress) => void; stop: () => void } {
  const amount = (p: ImportProgress, n: number) =>
    p.phase === 'read' ? `${(n / 1e6).toFixed(1)} MB` : `${n.toLocaleString('en-US')} bars`;
  const view = progressView<{ p: ImportProgress; file: string; phase: string; done: string; all: string }>(
    'import [{bar}] {percentage}% | {file} | {phase} {done}/{all} | ETA {eta_formatted}',
    (done, total, { p, done: d, all }) => `import: ${p.file} ${p.phase} ${d} of ${all} (${total ? Math.round((100 * done) / total) : 100}%)`);
  return {
    onProgress: (p) => view.update(p.done, p.total,
      { p, file: p.file.split('/').pop() ?? p.file, phase: p.phase, done: amount(p, p.done), all: amount(p, p.total) }, `${p.file}\0${p.phase}`),
    stop: view.stop,
  };
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('load one-minute bars from HistData.com files (zip or CSV) or a CSV with a header into bqx.m1, counting every dirty line')
    .argument('<files...>', 'files to import (a HistData zip as downloaded, its CSV, or a CSV with a header)')
    .option('--pair <pair>', 'pair of every file (default: from each file name, e.g. HISTDATA_COM_ASCII_EURUSD_M12019.zip)')
    .option('--format <format>', 'histdata or csv (default: guessed from the name and first line)')
    .option('--tz <zone>', 'zone of the timestamps: UTC, a fixed offset (+02:00, -05:00) or an IANA zone (America/New_York); default -05:00 for histdata (EST without DST), UTC for csv')
    .option('--ts-column <name>', 'csv: header name of the timestamp column')
    .option('--rate-column <name>', 'csv: header name of the rate column')
    .option('--update', 'a bar already stored with another rate takes the file\'s rate (default: the stored bar is kept)')
    .option('--backfill', 'backfill the months the import changed (and the backfilled months whose windows look back into them) right away')
    .action(async (files: string[], o: ImportCliOptions) => {
      // check the arguments before connecting
      if (o.format !== undefined && o.format !== 'histdata' && o.format !== 'csv') {
        throw new UserError(`--format must be histdata or csv, got "${o.format}"`, undefined, 'HistData.com generic ASCII: histdata; anything else with a header: csv.');
      }
      if (o.tz !== undefined) parseTimeZone(o.tz);
      const limits = importLimits();
      if ((o.tsColumn === undefined) !== (o.rateColumn === undefined)) {
        throw new UserError('--ts-column and --rate-column go together', undefined, 'Name both columns of the CSV header, for example --ts-column time --rate-column close.');
      }
      const conn = await resolveConnection();
      console.log(`bqx: importing ${files.length} file(s) into ${redactUrl(conn.connectionString)} (${conn.source})`);
      const plan = await withClient(conn.connectionString, 'bqx import', async (client) => {
        const view = progress();
        const results: FileCounts[] = [];
        try {
          for (const f of files) {
            results.push(await importFile(client, f, {
              pair: o.pair, format: o.format as Format | undefined, tz: o.tz,
              tsColumn: o.tsColumn, rateColumn: o.rateColumn, update: o.update, limits, onProgress: view.onProgress,
            }));
          }
        } finally {
          view.stop();
        }
        if (results.some((r) => r.new + r.updated > 0)) await analyzeSource(client);
        console.log('');
        console.log(formatReport(results));
        console.log('');
        for (const r of results) {
          const rate = r.seconds > 0 ? Math.round(r.lines / r.seconds) : r.lines;
          console.log(`${r.file}: ${r.pair}, ${r.format}, timestamps in ${r.tz}, ${r.lines.toLocaleString('en-US')} lines in ${r.seconds.toFixed(2)} s (${rate.toLocaleString('en-US')} lines/s)`);
        }
        return backfillPlan(client, results);
      });
      if (plan.length === 0) {
        console.log('nothing changed in bqx.m1 (every bar was already there): nothing to backfill');
      } else if (!o.backfill) {
        console.log('months changed: backfill them (and the backfilled months whose windows look back into them) with:');
        for (const run of plan) console.log(`  ${backfillCommand(run)}`);
      } else {
        for (const run of plan) {
          console.log(`backfilling ${run.pairs.join(',')} ${run.from}..${run.to}`);
          const r = await backfillWithView(conn.connectionString, { ...run, force: true });
          console.log(`  ${r.done} months done, ${r.failed} failed, ${r.rows.toLocaleString('en-US')} rows`);
          if (r.failed > 0) process.exitCode = 1;
        }
      }
    });
}
