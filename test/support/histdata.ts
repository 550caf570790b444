// Reads the first bars of the real HistData.com M1 files in ../shared/data/histdata
// (zip with one CSV: `YYYYMMDD HHMMSS;open;high;low;close;volume`, EST = fixed UTC-5).
// Streams the zip and stops after `limit` lines, so it costs a few tens of ms.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectRoot } from '../../scripts/lib/paths.js';
import { createInterface } from 'node:readline';
import yauzl from 'yauzl';

// ../shared/data/histdata beside the repository (as in CI), unless BQX_HISTDATA_DIR says otherwise
export const HISTDATA_DIR = process.env.BQX_HISTDATA_DIR ?? resolve(projectRoot, '../shared/data/histdata');

export function histdataZip(pair: string, year: number): string {
  return `${HISTDATA_DIR}/HISTDATA_COM_ASCII_${pair}_M1${year}.zip`;
}

export function histdataAvailable(pair: string, year: number): boolean {
  return existsSync(histdataZip(pair, year));
}

export interface Bars {
  ts: Date[];
  rate: number[];
}

/** First `limit` bars (close) of a HistData zip; timestamps converted with `utcOffsetHours` (EST = -5). */
export async function readHistdataCloses(
  pair: string,
  year: number,
  limit: number,
  utcOffsetHours = -5,
): Promise<Bars> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(histdataZip(pair, year), { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  try {
    const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName.toLowerCase().endsWith('.csv')) resolve(e);
        else zip.readEntry();
      });
      zip.on('end', () => reject(new Error(`no CSV in ${histdataZip(pair, year)}`)));
      zip.on('error', reject);
      zip.readEntry();
    });
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
    );
    const bars: Bars = { ts: [], rate: [] };
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    for await (const line of lines) {
      if (bars.rate.length >= limit) break;
      const m = /^(\d{4})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2});[^;]*;[^;]*;[^;]*;([^;]*);/.exec(line);
      if (!m) continue;
      const local = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
      bars.ts.push(new Date(local - utcOffsetHours * 3_600_000));
      bars.rate.push(Number(m[7]));
    }
    lines.close();
    (stream as unknown as { destroy(): void }).destroy();
    return bars;
  } finally {
    zip.close();
  }
}
