// Export progress: a bar over the rows to write on a terminal, a plain line per file
// otherwise (no control codes when piped).
import cliProgress from 'cli-progress';
import type { ExportProgress } from './run.js';

export function exportProgressView(): { onProgress: (p: ExportProgress) => void; stop: () => void } {
  const tty = process.stdout.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  const onProgress = (p: ExportProgress) => {
    const last = `${p.last.pair} ${p.last.month}`;
    if (!tty) {
      console.log(`export: ${p.filesDone}/${p.filesToWrite} files, ${p.rowsDone.toLocaleString('en-US')}/${p.rowsToWrite.toLocaleString('en-US')} rows (last ${last}: ${p.last.rows.toLocaleString('en-US')} rows)`);
      return;
    }
    if (!bar) {
      bar = new cliProgress.SingleBar(
        { format: 'export [{bar}] {percentage}% | {files} files | {value}/{total} rows | {last} | ETA {eta_formatted}', hideCursor: true },
        cliProgress.Presets.shades_classic);
      bar.start(p.rowsToWrite, 0, { files: '', last: '' });
    }
    bar.update(p.rowsDone, { files: `${p.filesDone}/${p.filesToWrite}`, last });
  };
  return { onProgress, stop: () => bar?.stop() };
}
