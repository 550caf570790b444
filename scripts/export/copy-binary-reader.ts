// Decodes a COPY ... TO STDOUT (FORMAT binary) stream of the export columns into typed
// column arrays, chunk by chunk (a row may straddle two chunks). Values are taken from
// their binary form as PostgreSQL sends it: a float8 is its 8 IEEE bytes (bit for bit,
// no text round trip), a timestamptz is int64 microseconds since 2000-01-01 UTC, kept as
// an exact 64-bit integer (two 32-bit words), not through a double.
// The format: PostgreSQL docs, "COPY: Binary Format".
import type { ExportColumn } from './columns.js';

/** enough bytes of a chunk to finish a row begun in the previous one */
const STRADDLE_BYTES = 4096;
const SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);
/** 2000-01-01 minus 1970-01-01 in microseconds, as two 32-bit words */
const EPOCH_SHIFT_US = 946_684_800_000_000n;
const SHIFT_LO = Number(EPOCH_SHIFT_US & 0xffffffffn);
const SHIFT_HI = Number(EPOCH_SHIFT_US >> 32n);
/** word order of an int64 in this machine's typed arrays */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO_WORD = LITTLE_ENDIAN ? 0 : 1;
const HI_WORD = 1 - LO_WORD;

/** One pair-month's rows, column by column. validity: Arrow-style bitmaps (bit set = not NULL). */
export interface ColumnBatch {
  rows: number;
  /** ts_utc as microseconds since 1970-01-01 UTC */
  ts: BigInt64Array;
  values: (Float64Array | Int32Array | null)[];
  validity: (Uint8Array | null)[];
  nullCounts: number[];
}

export class BinaryCopyDecoder {
  private pending: Buffer | null = null;
  private headerDone = false;
  private ended = false;
  private capacity: number;
  private batch: ColumnBatch;
  private tsWords: Int32Array;

  constructor(private readonly columns: readonly ExportColumn[], expectedRows: number) {
    this.capacity = Math.max(1, expectedRows);
    this.batch = this.allocate(this.capacity);
    this.tsWords = new Int32Array(this.batch.ts.buffer);
  }

  private allocate(n: number): ColumnBatch {
    return {
      rows: 0,
      ts: new BigInt64Array(n),
      values: this.columns.map((c) => (c.kind === 'float64' ? new Float64Array(n) : c.kind === 'int32' ? new Int32Array(n) : null)),
      validity: this.columns.map((c) => (c.nullable ? new Uint8Array((n + 7) >> 3) : null)),
      nullCounts: this.columns.map(() => 0),
    };
  }

  private grow(): void {
    const old = this.batch;
    this.capacity *= 2;
    const next = this.allocate(this.capacity);
    next.rows = old.rows;
    next.ts.set(old.ts);
    old.values.forEach((v, i) => { if (v) (next.values[i] as Float64Array | Int32Array).set(v); });
    old.validity.forEach((v, i) => { if (v) (next.validity[i] as Uint8Array).set(v); });
    next.nullCounts = old.nullCounts;
    this.batch = next;
    this.tsWords = new Int32Array(next.ts.buffer);
  }

  /** Feed the next chunk of the COPY stream. */
  push(chunk: Buffer): void {
    if (!this.pending) {
      this.keepRest(chunk, this.parse(chunk));
      return;
    }
    // a row straddles the two chunks: finish it from the head of this chunk (a row is
    // ~500 bytes at most), then go on in the chunk itself instead of copying all of it
    const headLength = Math.min(chunk.length, STRADDLE_BYTES);
    const head = Buffer.concat([this.pending, chunk.subarray(0, headLength)]);
    const fromChunk = this.parse(head) - this.pending.length;
    if (fromChunk < 0) { // the straddling row is still not complete
      this.pending = Buffer.concat([head.subarray(head.length - headLength + fromChunk), chunk.subarray(headLength)]);
      return;
    }
    const rest = chunk.subarray(fromChunk);
    this.keepRest(rest, this.parse(rest));
  }

  private keepRest(buf: Buffer, used: number): void {
    this.pending = used < buf.length ? Buffer.from(buf.subarray(used)) : null;
  }

  /** Parses the whole rows at the start of buf; returns the bytes used. */
  private parse(buf: Buffer): number {
    if (this.ended && buf.length > 0) throw new Error('data after the binary COPY trailer');
    let o = 0;
    if (!this.headerDone) {
      if (buf.length < 19) return 0;
      if (!buf.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a PostgreSQL binary COPY stream');
      const extension = buf.readInt32BE(15);
      if (buf.length < 19 + extension) return 0;
      o = 19 + extension;
      this.headerDone = true;
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const ncol = this.columns.length;
    while (o + 2 <= buf.length) {
      const fields = view.getInt16(o);
      if (fields === -1) { this.ended = true; return o + 2; }
      if (fields !== ncol) throw new Error(`binary COPY row has ${fields} fields, expected ${ncol}`);
      // the whole row must be here before any of it is stored
      let p = o + 2;
      for (let c = 0; c < ncol; c++) {
        if (p + 4 > buf.length) return o;
        const len = view.getInt32(p);
        p += 4 + (len > 0 ? len : 0);
        if (p > buf.length) return o;
      }
      if (this.batch.rows === this.capacity) this.grow();
      this.storeRow(view, o + 2);
      o = p;
    }
    return o;
  }

  private storeRow(view: DataView, start: number): void {
    const b = this.batch;
    const r = b.rows;
    let p = start;
    for (let c = 0; c < this.columns.length; c++) {
      const len = view.getInt32(p);
      p += 4;
      const col = this.columns[c];
      if (len === -1) {
        if (!col.nullable) throw new Error(`NULL in non-nullable column ${col.name}`);
        b.nullCounts[c]++;
        continue;
      }
      const validity = b.validity[c];
      if (validity) validity[r >> 3] |= 1 << (r & 7);
      if (col.kind === 'float64') (b.values[c] as Float64Array)[r] = view.getFloat64(p);
      else if (col.kind === 'int32') (b.values[c] as Int32Array)[r] = view.getInt32(p);
      else {
        // int64 microseconds since 2000 + the epoch shift, in 32-bit words with carry
        const hi = view.getInt32(p);
        const lo = view.getUint32(p + 4);
        const sumLo = lo + SHIFT_LO;
        const carry = sumLo >= 2 ** 32 ? 1 : 0;
        this.tsWords[2 * r + LO_WORD] = sumLo | 0;
        this.tsWords[2 * r + HI_WORD] = hi + SHIFT_HI + carry;
      }
      p += len;
    }
    b.rows = r + 1;
  }

  /** The rows decoded; throws if the stream stopped before its trailer. */
  finish(): ColumnBatch {
    if (!this.ended) throw new Error('binary COPY stream ended without its trailer');
    if (this.pending && this.pending.length > 0) throw new Error('data after the binary COPY trailer');
    return this.batch;
  }
}
