// An input file as a byte stream: a plain text file, or the one bar file of a zip
// (HistData ships one CSV per zip), read without unpacking it to disk. Sizes and the
// compression ratio are checked before a byte is read (limits.ts).
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { INVALID_PARAMETER, UserError } from '../lib/user-error.js';
import { limitError, mib, RATIO_FLOOR_BYTES, type ImportLimits } from './limits.js';

export interface Input {
  /** the path given */
  path: string;
  /** the name of the text inside (the zip entry, or the path) */
  innerName: string;
  /** bytes of text that will be read (uncompressed size), for the progress bar */
  size: number;
  /** a zip entry: reading other than `size` bytes means the zip is damaged */
  exactSize: boolean;
  stream: Readable;
  /** stops reading and frees the file (also after an early error) */
  close: () => void;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, z) => (err
      ? reject(new UserError(`${path}: not a readable zip: ${err.message}`, '22P04',
        'Download the file again (it may be truncated), or unzip it and pass the CSV.'))
      : resolve(z))),
  );
}

/** Every entry of the zip (its central directory only: nothing is inflated). */
function zipEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise<yauzl.Entry[]>((resolve, reject) => {
    const all: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => { all.push(e); zip.readEntry(); });
    zip.on('end', () => resolve(all));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/**
 * The one entry of bar data: the .csv file (HistData ships one per zip, sometimes with a
 * .txt gap report beside it), else the one .txt file. Several candidates: refused with
 * their names, never one picked silently.
 */
function barEntry(path: string, entries: yauzl.Entry[]): yauzl.Entry {
  const files = entries.filter((e) => !e.fileName.endsWith('/'));
  const csv = files.filter((e) => /\.csv$/i.test(e.fileName));
  const candidates = csv.length > 0 ? csv : files.filter((e) => /\.txt$/i.test(e.fileName));
  if (candidates.length === 0) {
    throw new UserError(`${path}: the zip holds no .csv or .txt file`, '22P04', 'Pass the zip as downloaded from HistData.com, or the CSV itself.');
  }
  if (candidates.length > 1) {
    throw new UserError(`${path}: the zip holds ${candidates.length} bar files: ${candidates.map((e) => e.fileName).join(', ')}`, INVALID_PARAMETER,
      'Unzip it and pass each file: bqx import a.csv b.csv (with --pair when the names do not say it).',
      'bqx import reads one bar file per zip (a HistData zip holds one CSV); nothing was stored from this zip.');
  }
  return candidates[0];
}

async function openZipEntry(path: string, limits: ImportLimits): Promise<Input> {
  const zip = await openZip(path);
  let entry: yauzl.Entry;
  let raw: Readable;
  try {
    entry = barEntry(path, await zipEntries(zip));
    checkZipEntry(path, entry, limits);
    // The compressed bytes, inflated here rather than by yauzl: with 1 MB output chunks
    // zlib inflates a year of bars 2-3x faster than with its 16 kB default.
    raw = await new Promise<Readable>((resolve, reject) =>
      // decodeFileData (yauzl 3) is missing from @types/yauzl
      zip.openReadStream(entry, { decodeFileData: false } as unknown as yauzl.ZipFileOptions, (err, s) => (err ? reject(err) : resolve(s))),
    );
  } catch (e) {
    zip.close(); // a refused entry or an unreadable stream: the file is freed at once
    throw e;
  }
  const stream = entry.compressionMethod === 0 ? raw : raw.pipe(createInflateRaw({ chunkSize: 1 << 20 }));
  if (stream !== raw) raw.on('error', (e) => stream.destroy(e));
  const close = (): void => {
    raw.destroy();
    stream.destroy();
    zip.close();
  };
  return { path, innerName: entry.fileName, size: entry.uncompressedSize, exactSize: true, stream, close };
}

/** Refuses, before inflating a byte, an entry that is encrypted, of another method, too large, or a zip bomb. */
function checkZipEntry(path: string, entry: yauzl.Entry, limits: ImportLimits): void {
  if ((entry.compressionMethod !== 0 && entry.compressionMethod !== 8) || entry.isEncrypted()) {
    throw new UserError(`${path}: ${entry.fileName} is ${entry.isEncrypted() ? 'encrypted' : `compressed with zip method ${entry.compressionMethod}`}`, '22P04',
      'Only stored and deflated entries are read (what HistData.com ships); unzip the file and pass the CSV.');
  }
  const size = entry.uncompressedSize;
  if (size > limits.maxTextBytes) {
    throw limitError(`${path}: ${entry.fileName} inflates to ${mib(size)}, more than the ${mib(limits.maxTextBytes)} bqx import reads from one file`,
      `The zip says so before anything is inflated (compressed: ${mib(entry.compressedSize)}).`, 'maxTextBytes');
  }
  const ratio = size / Math.max(entry.compressedSize, 1);
  if (size > RATIO_FLOOR_BYTES && ratio > limits.maxRatio) {
    throw limitError(`${path}: ${entry.fileName} inflates ${Math.round(ratio)} times (${mib(entry.compressedSize)} to ${mib(size)}): a zip bomb, or not bar data`,
      `Bar files compress about 6 times (HistData); bqx import refuses entries over ${mib(RATIO_FLOOR_BYTES)} that inflate more than ${limits.maxRatio} times.`, 'maxRatio');
  }
}

export async function openInput(path: string, limits: ImportLimits): Promise<Input> {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    throw new UserError(`cannot read ${path}: no such file`, '58P01', 'Check the path.');
  }
  if (/\.zip$/i.test(path)) return openZipEntry(path, limits);
  if (size > limits.maxTextBytes) {
    throw limitError(`${path} holds ${mib(size)}, more than the ${mib(limits.maxTextBytes)} bqx import reads from one file`,
      'The limit keeps one import\'s time and memory bounded.', 'maxTextBytes');
  }
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  return { path, innerName: path, size, exactSize: false, stream, close: () => stream.destroy() };
}
