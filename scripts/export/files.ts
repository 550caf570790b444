// Files that appear whole or not at all: written under a hidden temporary name
// (.NAME.<pid>.tmp, which dataset readers skip) in the same folder, flushed to disk,
// then renamed over the final name. A crash leaves at most a stale temporary file,
// which the next export removes (sweepStaleTemps).
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/**
 * Write `data` to `path` atomically (temporary file, fsync, rename, fsync of the folder).
 * Asynchronous: the writing and flushing run on libuv's threads, so the caller's thread
 * goes on (reading the next month) meanwhile. The temporary file is removed on failure.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    commitTemp(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Rename a finished temporary file over its final name and make the rename durable. */
export function commitTemp(tmp: string, path: string): void {
  renameSync(tmp, path);
  const dirFd = openSync(dirname(path), 'r');
  try { fsyncSync(dirFd); } finally { closeSync(dirFd); }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove temporary files left by exporters that are no longer running; returns how many. */
export function sweepStaleTemps(dir: string): number {
  let removed = 0;
  const walk = (d: string, depth: number) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && depth < 2) walk(p, depth + 1);
      const m = /^\..+\.(\d+)\.tmp$/.exec(e.name);
      if (e.isFile() && m && !alive(Number(m[1]))) {
        rmSync(p, { force: true });
        removed++;
      }
    }
  };
  walk(dir, 0);
  return removed;
}
