// bqx export --pairs LIST|all --from YYYY-MM [--to YYYY-MM] --out DIR [--format parquet|csv]
//            [--compression zstd|snappy|none] [--force]
// One file per pair-month in Hive-style folders; re-running writes only the months whose
// stored rows changed (scripts/export/run.ts).
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { redactUrl, resolveConnection } from '../lib/connection.js';
import type { FileFormat } from '../export/manifest.js';
import type { ParquetCompression } from '../export/parquet.js';
import { exportProgressView } from '../export/progress.js';
import { runExport } from '../export/run.js';
import { parsePairsOption } from '../lib/pairs-option.js';
import { INVALID_PARAMETER, UserError } from '../lib/user-error.js';

interface ExportCliOptions {
  pairs: string;
  from: string;
  to?: string;
  out: string;
  format: string;
  compression: string;
  force?: boolean;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`, INVALID_PARAMETER, `For example ${flag} ${allowed[0]}.`);
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write the BQX rows of a range as Parquet or CSV files, one per pair-month, in Hive-style folders (DIR/pair=EURUSD/month=2024-07/part-0.parquet); re-running writes only the months that changed')
    .requiredOption('--pairs <list>', 'comma-separated pairs (EURUSD,USDJPY) or "all"')
    .requiredOption('--from <YYYY-MM>', 'first month (UTC)')
    .option('--to <YYYY-MM>', 'last month, inclusive (default: --from)')
    .requiredOption('--out <dir>', 'the export folder (created if missing)')
    .option('--format <format>', 'parquet or csv', 'parquet')
    .option('--compression <codec>', 'Parquet compression: snappy (the default, as in pyarrow and Spark), zstd (files ~10% smaller, ~12% slower to write) or none', 'snappy')
    .option('--force', 'rewrite every file, changed or not')
    .action(async (o: ExportCliOptions) => {
      const format = oneOf<FileFormat>('--format', o.format, ['parquet', 'csv']);
      const compression = oneOf<ParquetCompression>('--compression', o.compression, ['zstd', 'snappy', 'none']);
      const pairs = parsePairsOption(o.pairs);
      const out = resolve(o.out);
      const conn = await resolveConnection();
      console.log(`bqx: exporting ${o.pairs} ${o.from}..${o.to ?? o.from} from ${redactUrl(conn.connectionString)} (${conn.source}) to ${out} as ${format}`);
      const view = exportProgressView();
      try {
        const r = await runExport({
          connectionString: conn.connectionString, pairs, from: o.from, to: o.to ?? o.from, out, format, compression,
          force: o.force === true, onProgress: view.onProgress,
        });
        view.stop();
        const rate = r.seconds > 0 ? Math.round(r.rows / r.seconds) : 0;
        const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
        console.log(`bqx: ${r.months} pair-month(s) stored in the range: ${r.written.length} written, ${r.unchanged} unchanged`
          + `${r.staleTempsRemoved ? `, ${r.staleTempsRemoved} stale temporary file(s) removed` : ''}`);
        console.log(`bqx: ${r.rows.toLocaleString('en-US')} rows, ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(2)} s`
          + ` (${rate.toLocaleString('en-US')} rows/s), peak RSS ${rssMb} MB`);
      } finally {
        view.stop();
      }
    });
}
