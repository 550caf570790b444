// The encoder thread (bundled to dist/export-worker.js): takes one pair-month as an Arrow
// IPC stream, answers with its Parquet file's bytes (transferred, not copied). Encoding is
// the longest step of an export; with it on a thread of its own, the main thread reads and
// decodes the next month, and writes the finished files, meanwhile.
import { parentPort } from 'node:worker_threads';
import { parquetFromIpc } from './parquet.js';
import type { EncodeJob, EncodeReply } from './parquet-encoder.js';

parentPort?.on('message', (job: EncodeJob) => {
  let reply: EncodeReply;
  let transfer: ArrayBuffer[] = [];
  try {
    // already a copy out of the WebAssembly memory: its buffer can be transferred
    const bytes = parquetFromIpc(job.ipc, job.compression, job.metadata);
    reply = { id: job.id, bytes };
    transfer = [bytes.buffer as ArrayBuffer];
  } catch (e) {
    reply = { id: job.id, error: (e as Error).message ?? String(e) };
  }
  parentPort?.postMessage(reply, transfer);
});
