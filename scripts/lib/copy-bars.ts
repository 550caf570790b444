// How bars reach Postgres, for the import and the seed alike: COPY ... FROM STDIN (FORMAT
// binary), so there is no text for the server to parse (its timestamptz input is the
// costly part of a text COPY of bars) and every float8 arrives bit for bit. Rows are
// (pair text, ts_utc timestamptz, rate float8) for bqx.m1, or (ts_utc, rate) for the
// import's staging table. The format: PostgreSQL docs, "COPY: Binary Format".
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Bars in time order: epoch minutes (UTC) and rates, the first n of each array. */
export interface Bars {
  minutes: Float64Array;
  rates: Float64Array;
  n: number;
}

const SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]); // PGCOPY\n\377\r\n\0
/** minutes from 1970-01-01 to 2000-01-01, PostgreSQL's timestamp epoch */
const PG_EPOCH_MINUTES = 946_684_800 / 60;
const TWO_32 = 2 ** 32;

/**
 * The COPY data for the winners, in buffers of `rowsPerChunk` rows; `pair` given: the
 * rows carry it as their first column. `onRows(done)` after each buffer.
 */
export function* binaryCopyData(
  bars: Bars,
  pair: string | null,
  onRows: (done: number) => void = () => {},
  rowsPerChunk = 16_384,
): Generator<Buffer> {
  const pairBytes = pair === null ? null : Buffer.from(pair, 'utf8');
  const rowBytes = 2 + (pairBytes ? 4 + pairBytes.length : 0) + 12 + 12;
  const header = Buffer.alloc(SIGNATURE.length + 8);
  SIGNATURE.copy(header, 0); // then flags (int32 0) and header extension length (int32 0)
  yield header;
  const fields = pairBytes ? 3 : 2;
  for (let start = 0; start < bars.n; start += rowsPerChunk) {
    const end = Math.min(bars.n, start + rowsPerChunk);
    const buf = Buffer.allocUnsafe((end - start) * rowBytes);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let o = 0;
    for (let i = start; i < end; i++) {
      view.setInt16(o, fields); o += 2;
      if (pairBytes) {
        view.setInt32(o, pairBytes.length); o += 4;
        buf.set(pairBytes, o); o += pairBytes.length;
      }
      // timestamptz: int64 microseconds since 2000-01-01 UTC (exact in a double up to year ~2285)
      const us = (bars.minutes[i] - PG_EPOCH_MINUTES) * 60_000_000;
      const hi = Math.floor(us / TWO_32);
      view.setInt32(o, 8); o += 4;
      view.setInt32(o, hi); o += 4;
      view.setUint32(o, us - hi * TWO_32); o += 4;
      view.setInt32(o, 8); o += 4;
      view.setFloat64(o, bars.rates[i]); o += 8;
    }
    yield buf;
    onRows(end);
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  yield trailer;
}

/** Runs `sql` (a COPY ... FROM STDIN (FORMAT binary)) with the bars; `onRows(done)` as the server takes them. */
export async function copyBars(client: pg.ClientBase, sql: string, bars: Bars, pair: string | null, onRows?: (n: number) => void): Promise<void> {
  // a byte stream with a small buffer: the progress follows what the server takes
  const data = Readable.from(binaryCopyData(bars, pair, onRows), { objectMode: false, highWaterMark: 1 << 20 });
  await pipeline(data, client.query(copyFrom(sql)));
}
