// Export progress: a bar over the rows to write on a terminal, a plain line per file
// otherwise (no control codes when piped).
import { progressView } from '../lib/progress.js';
import type { ExportProgress } from './run.js';

export function exportProgressView(): { onProgress: (p: ExportProgress) => void; stop: () => void } {
  const view = progressView<{ files: string; last: string; rows: number }>(
    'export [{bar}] {percentage}% | {files} files | {value}/{total} rows | {last} | ETA {eta_formatted}',
    (done, total, p) => `export: ${p.files} files, ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows (last ${p.last}: ${p.rows.toLocaleString('en-US')} rows)`,
    0);
  return {
    onProgress: (p) => view.update(p.rowsDone, p.rowsToWrite, { files: `${p.filesDone}/${p.filesToWrite}`, last: `${p.last.pair} ${p.last.month}`, rows: p.last.rows }),
    stop: view.stop,
  };
}
