// An input file as a byte stream: a plain text file, or the first .csv/.txt entry of a
// zip (HistData ships one CSV per zip), read without unpacking it to disk.
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';

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
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, z) => (err
      ? reject(Object.assign(new Error(`${path}: not a readable zip: ${err.message}`), {
        code: '22P04', hint: 'Download the file again (it may be truncated), or unzip it and pass the CSV.',
      }))
      : resolve(z))),
  );
}

async function openZipEntry(path: string): Promise<Input> {
  const zip = await openZip(path);
  const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      if (/\.(csv|txt)$/i.test(e.fileName) && !e.fileName.endsWith('/')) resolve(e);
      else zip.readEntry();
    });
    zip.on('end', () =>
      reject(Object.assign(new Error(`${path}: the zip holds no .csv or .txt file`), {
        code: '22P04', hint: 'Pass the zip as downloaded from HistData.com, or the CSV itself.',
      })));
    zip.on('error', reject);
    zip.readEntry();
  });
  if ((entry.compressionMethod !== 0 && entry.compressionMethod !== 8) || entry.isEncrypted()) {
    zip.close();
    throw Object.assign(new Error(`${path}: ${entry.fileName} is ${entry.isEncrypted() ? 'encrypted' : `compressed with zip method ${entry.compressionMethod}`}`), {
      code: '22P04', hint: 'Only stored and deflated entries are read (what HistData.com ships); unzip the file and pass the CSV.',
    });
  }
  // The compressed bytes, inflated here rather than by yauzl: with 1 MB output chunks
  // zlib inflates a year of bars 2-3x faster than with its 16 kB default.
  const raw = await new Promise<Readable>((resolve, reject) =>
    // decodeFileData (yauzl 3) is missing from @types/yauzl
    zip.openReadStream(entry, { decodeFileData: false } as unknown as yauzl.ZipFileOptions, (err, s) => (err ? reject(err) : resolve(s))),
  );
  raw.on('end', () => zip.close());
  const stream = entry.compressionMethod === 0 ? raw : raw.pipe(createInflateRaw({ chunkSize: 1 << 20 }));
  if (stream !== raw) raw.on('error', (e) => stream.destroy(e));
  return { path, innerName: entry.fileName, size: entry.uncompressedSize, exactSize: true, stream };
}

export async function openInput(path: string): Promise<Input> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw Object.assign(new Error(`cannot read ${path}: no such file`), { code: '58P01', hint: 'Check the path.' });
  }
  if (/\.zip$/i.test(path)) return openZipEntry(path);
  return { path, innerName: path, size, exactSize: false, stream: createReadStream(path, { highWaterMark: 1 << 20 }) };
}
