// The main thread's side of the encoder thread (scripts/export/parquet-worker.ts, run
// from its bundle dist/export-worker.js): hands over a decoded month (its typed arrays
// are transferred, not copied) and resolves with the written file's size.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../lib/paths.js';
import type { ColumnBatch } from './copy-binary-reader.js';
import type { ParquetCompression } from './parquet.js';

export interface EncodeJob {
  id: number;
  file: string;
  batch: ColumnBatch;
  compression: ParquetCompression;
  metadata: Record<string, string>;
}
export type EncodeReply = { id: number; bytes: number } | { id: number; error: string };

export const WORKER_BUNDLE = join(projectRoot, 'dist', 'export-worker.js');

export class ParquetEncoder {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (bytes: number) => void; reject: (e: Error) => void }>();

  constructor() {
    if (!existsSync(WORKER_BUNDLE)) throw new Error(`${WORKER_BUNDLE} is missing: build first (npm run build)`);
    this.worker = new Worker(WORKER_BUNDLE);
    this.worker.on('message', (r: EncodeReply) => {
      const w = this.waiting.get(r.id);
      this.waiting.delete(r.id);
      if ('error' in r) w?.reject(new Error(`writing a Parquet file: ${r.error}`));
      else w?.resolve(r.bytes);
    });
    this.worker.on('error', (e) => { for (const w of this.waiting.values()) w.reject(e); this.waiting.clear(); });
  }

  /** Encode and write `file` (atomically) on the encoder thread; resolves with its size. */
  write(file: string, batch: ColumnBatch, compression: ParquetCompression, metadata: Record<string, string>): Promise<number> {
    const id = this.nextId++;
    const transfer = [batch.ts.buffer, ...batch.values.map((v) => v?.buffer), ...batch.validity.map((v) => v?.buffer)]
      .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, file, batch, compression, metadata } satisfies EncodeJob, transfer);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
