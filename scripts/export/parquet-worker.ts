// The encoder thread (bundled to dist/export-worker.js): takes one decoded pair-month,
// writes its Parquet file atomically, answers with the file's size. Running it beside the
// main thread lets the next month's COPY and decoding overlap this month's encoding.
import { rmSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { EXPORT_COLUMNS } from './columns.js';
import { tempPathFor, writeFileAtomic } from './files.js';
import { parquetBytes } from './parquet.js';
import type { EncodeJob, EncodeReply } from './parquet-encoder.js';

parentPort?.on('message', (job: EncodeJob) => {
  let reply: EncodeReply;
  try {
    const bytes = parquetBytes(EXPORT_COLUMNS, job.batch, job.compression, job.metadata);
    writeFileAtomic(job.file, bytes);
    reply = { id: job.id, bytes: bytes.length };
  } catch (e) {
    rmSync(tempPathFor(job.file), { force: true });
    reply = { id: job.id, error: (e as Error).message ?? String(e) };
  }
  parentPort?.postMessage(reply);
});
