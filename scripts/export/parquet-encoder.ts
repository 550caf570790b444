// The main thread's side of the encoder thread (scripts/export/parquet-worker.ts, run
// from its bundle dist/export-worker.js), a small pool of them: hands over a decoded month
// (its typed arrays are transferred, not copied) and resolves with the written file's size.
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

/** Encoder threads: encoding costs more than reading a month, so two keep the reader busy. */
export const ENCODER_THREADS = 2;

export class ParquetEncoder {
  private readonly workers: Worker[];
  private nextId = 0;
  private readonly waiting = new Map<number, { worker: Worker; resolve: (bytes: number) => void; reject: (e: Error) => void }>();

  constructor(readonly threads = ENCODER_THREADS) {
    if (!existsSync(WORKER_BUNDLE)) throw new Error(`${WORKER_BUNDLE} is missing: build first (npm run build)`);
    this.workers = Array.from({ length: threads }, () => {
      const worker = new Worker(WORKER_BUNDLE);
      worker.on('message', (r: EncodeReply) => {
        const w = this.waiting.get(r.id);
        this.waiting.delete(r.id);
        if ('error' in r) w?.reject(new Error(`writing a Parquet file: ${r.error}`));
        else w?.resolve(r.bytes);
      });
      worker.on('error', (e) => {
        for (const [id, w] of this.waiting) if (w.worker === worker) { w.reject(e); this.waiting.delete(id); }
      });
      return worker;
    });
  }

  /** The thread with the fewest files in hand. */
  private idlest(): Worker {
    const load = new Map(this.workers.map((w) => [w, 0]));
    for (const w of this.waiting.values()) load.set(w.worker, (load.get(w.worker) ?? 0) + 1);
    return this.workers.reduce((a, b) => ((load.get(b) ?? 0) < (load.get(a) ?? 0) ? b : a));
  }

  /** Encode and write `file` (atomically) on an encoder thread; resolves with its size. */
  write(file: string, batch: ColumnBatch, compression: ParquetCompression, metadata: Record<string, string>): Promise<number> {
    const id = this.nextId++;
    const transfer = [batch.ts.buffer, ...batch.values.map((v) => v?.buffer), ...batch.validity.map((v) => v?.buffer)]
      .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    const worker = this.idlest();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { worker, resolve, reject });
      worker.postMessage({ id, file, batch, compression, metadata } satisfies EncodeJob, transfer);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
