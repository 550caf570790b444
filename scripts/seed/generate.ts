// The bar stream of `bqx seed`: a pair-month of the synthetic market as COPY text rows
// ("PAIR\tYYYY-MM-DD HH:MM:00+00\trate\n"), written straight into large Buffers with no
// per-row objects (the only per-row allocation is the shortest round-trip text of the
// rate, Number#toString, which keeps every stored float8 bit-exact).
import { missingMinute, pairRate, type MarketMonth, type PairSpec } from './market-model.js';

const TS_LEN = 22; // 'YYYY-MM-DD HH:MM:00+00'
const tsTables = new WeakMap<MarketMonth, Buffer>();

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The COPY text of every calendar minute's timestamp of the month, TS_LEN bytes each. */
export function timestampTable(m: MarketMonth): Buffer {
  let t = tsTables.get(m);
  if (t) return t;
  t = Buffer.allocUnsafe(m.minutes * TS_LEN);
  const d = new Date(m.startMs);
  const datePart = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-`;
  for (let i = 0; i < m.minutes; i++) {
    const day = Math.floor(i / 1440) + 1;
    const mod = i % 1440;
    t.write(`${datePart}${pad2(day)} ${pad2(Math.floor(mod / 60))}:${pad2(mod % 60)}:00+00`, i * TS_LEN, 'latin1');
  }
  tsTables.set(m, t);
  return t;
}

export const DEFAULT_CHUNK_BYTES = 256 * 1024;
/** Longest row: 6 + 1 + 22 + 1 + rate (<= 24 chars) + 1. */
const MAX_ROW = 64;

/**
 * The bars of one pair in one month as COPY text, chunk by chunk (fresh Buffers: the
 * socket keeps a reference until written). The generator's return value is the number
 * of rows.
 */
export function* encodePairMonth(
  seed: number,
  m: MarketMonth,
  p: PairSpec,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Generator<Buffer, number, void> {
  const ts = timestampTable(m);
  const prefix = Buffer.from(`${p.pair}\t`, 'latin1');
  const plen = prefix.length;
  const trading = m.trading;
  let buf = Buffer.allocUnsafe(chunkBytes);
  let off = 0;
  let rows = 0;
  for (let i = 0; i < m.minutes; i++) {
    if (trading[i] === 0 || missingMinute(seed, p, m.firstMinute + i)) continue;
    if (off + MAX_ROW > chunkBytes) {
      yield buf.subarray(0, off);
      buf = Buffer.allocUnsafe(chunkBytes);
      off = 0;
    }
    // byte loops: much cheaper than Buffer#copy / Buffer#write for a few bytes
    for (let j = 0; j < plen; j++) buf[off++] = prefix[j];
    for (let j = i * TS_LEN, e = j + TS_LEN; j < e; j++) buf[off++] = ts[j];
    buf[off++] = 9; // \t
    const s = pairRate(m, p, i).toString();
    for (let j = 0, n = s.length; j < n; j++) buf[off++] = s.charCodeAt(j);
    buf[off++] = 10; // \n
    rows++;
  }
  if (off > 0) yield buf.subarray(0, off);
  return rows;
}
