// An input file as a byte stream: a plain text file, or the first .csv/.txt entry of a
// zip (HistData ships one CSV per zip), read without unpacking it to disk.
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export interface Input {
  /** the path given */
  path: string;
  /** the name of the text inside (the zip entry, or the path) */
  innerName: string;
  /** bytes of text that will be read (uncompressed size), for the progress bar */
  size: number;
  stream: Readable;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, z) => (err ? reject(err) : resolve(z))),
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
  const stream = await new Promise<Readable>((resolve, reject) =>
    zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
  );
  stream.on('end', () => zip.close());
  return { path, innerName: entry.fileName, size: entry.uncompressedSize, stream };
}

export async function openInput(path: string): Promise<Input> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw Object.assign(new Error(`cannot read ${path}: no such file`), { code: '58P01', hint: 'Check the path.' });
  }
  if (/\.zip$/i.test(path)) return openZipEntry(path);
  return { path, innerName: path, size, stream: createReadStream(path, { highWaterMark: 1 << 20 }) };
}
