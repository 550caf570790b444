// The real HistData.com M1 files (zip with one CSV: `YYYYMMDD HHMMSS;open;high;low;close;volume`,
// EST = fixed UTC-5). The tests read the excerpt in test/fixtures/histdata (every line of
// the UTC months 2019-01 and 2019-02, original lines), so they run from a plain clone; the
// full-year files are optional, in the folder BQX_HISTDATA_DIR names, for the bench.
// readHistdataCloses streams a zip and stops after `limit` lines (a few tens of ms).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectRoot } from '../../scripts/lib/paths.js';
import { createInterface } from 'node:readline';
import yauzl from 'yauzl';

/** The excerpt the tests use: the first two UTC months of 2019, see its README.md. */
export const HISTDATA_FIXTURE_DIR = resolve(projectRoot, 'test/fixtures/histdata');

/** Lines of each excerpt's CSV (test/fixtures/histdata/README.md). */
export const HISTDATA_FIXTURE_LINES: Record<'EURUSD' | 'USDJPY', number> = { EURUSD: 60_578, USDJPY: 60_523 };

/** The UTC months the excerpts cover, completely. */
export const HISTDATA_FIXTURE_MONTHS = ['2019-01', '2019-02'];

/** A HistData zip named as HistData names it, in `dir` (the excerpt by default). */
export function histdataZip(pair: string, year: number, dir = HISTDATA_FIXTURE_DIR): string {
  return `${dir}/HISTDATA_COM_ASCII_${pair}_M1${year}.zip`;
}

/**
 * The full-year file when BQX_HISTDATA_DIR names a folder holding it, else undefined
 * (callers fall back to the excerpt and say so).
 */
export function fullYearHistdataZip(pair: string, year: number): string | undefined {
  const dir = process.env.BQX_HISTDATA_DIR;
  if (!dir) return undefined;
  const file = histdataZip(pair, year, resolve(dir));
  if (!existsSync(file)) throw new Error(`BQX_HISTDATA_DIR=${dir} holds no ${file}`);
  return file;
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
  const file = histdataZip(pair, year);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  try {
    const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName.toLowerCase().endsWith('.csv')) resolve(e);
        else zip.readEntry();
      });
      zip.on('end', () => reject(new Error(`no CSV in ${file}`)));
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
