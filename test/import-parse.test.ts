// The importer's Node side, without a database: the byte-level HistData fast path agrees
// with the string parser on every line it accepts (real files, edge cases, random
// mutations); the last-line-wins dedupe agrees with a naive Map; the binary COPY data
// decodes back to the bars.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BarList } from '../scripts/import/bars.js';
import { binaryCopyData } from '../scripts/lib/copy-bars.js';
import { parseHistdataLine } from '../scripts/import/formats.js';
import { HistdataBytes } from '../scripts/import/histdata-fast.js';
import { HISTDATA_FIXTURE_LINES, histdataZip } from './support/histdata.js';
import { mulberry32, randInt } from './support/random-series.js';

const fast = new HistdataBytes();

/**
 * The fast path may decline a line; when it accepts one the string parser must say the
 * same: a bar at the same instant with the same double. Returns whether it accepted.
 */
function agree(line: string, mismatches: string[]): boolean {
  const bytes = Buffer.from(line, 'utf8');
  if (!fast.read(bytes, 0, bytes.length)) return false;
  const r = parseHistdataLine(line);
  if (r.kind !== 'bar') mismatches.push(`${line}: fast path read a bar, parseHistdataLine says ${r.kind}`);
  else if (fast.localMs !== r.localMs || !Object.is(fast.rate, r.rate)) {
    mismatches.push(`${line}: fast ${fast.localMs} ${fast.rate}, parseHistdataLine ${r.localMs} ${r.rate}`);
  }
  return true;
}

/** The CSV inside a HistData zip (one deflated entry): local header at 0. */
function histdataLines(pair: string, year: number): string[] {
  const zip = readFileSync(histdataZip(pair, year));
  const nameLen = zip.readUInt16LE(26), extraLen = zip.readUInt16LE(28), size = zip.readUInt32LE(18);
  const start = 30 + nameLen + extraLen;
  return inflateRawSync(zip.subarray(start, start + size)).toString('utf8').split(/\r?\n/).filter((l) => l !== '');
}

describe('HistData fast path (histdata-fast.ts) vs parseHistdataLine (formats.ts)', () => {
  it('accepts every line of the real 2019 bars (test/fixtures/histdata), with the same instant and the same double', () => {
    for (const pair of ['EURUSD', 'USDJPY'] as const) {
      const lines = histdataLines(pair, 2019);
      expect(lines.length).toBe(HISTDATA_FIXTURE_LINES[pair]);
      const mismatches: string[] = [];
      let accepted = 0;
      for (const line of lines) if (agree(line, mismatches)) accepted++;
      expect(mismatches).toEqual([]);
      expect(accepted, pair).toBe(lines.length);
    }
  });

  it('declines what it cannot read exactly, and agrees where it accepts', () => {
    const mismatches: string[] = [];
    expect(agree('20190101 170200;1.145980;1.145990;1.145970;1.145985;0', mismatches)).toBe(true);
    const declined = [
      '', ' ', '20190101 170230;1;1;1;1.1;0',     // seconds
      '20190229 170200;1;1;1;1.1;0',              // no such day
      '20190101 240000;1;1;1;1.1;0', '20191301 000000;1;1;1;1.1;0',
      '20190101 170200;1;1;1;1.1;0;9',            // a field too many
      '20190101 170200;1;1;1.1;0',                // one too few
      '20190101 170200;1;1;1;;0', '20190101 170200;1;1;1;.;0', '20190101 170200;1;1;1;1..1;0',
      '20190101 170200;1;1;1;0;0', '20190101 170200;1;1;1;0.000;0', '20190101 170200;1;1;1;-1.1;0',
      '20190101 170200;1;1;1;+1.1;0', '20190101 170200;1;1;1; 1.1;0', '20190101 170200;1;1;1;1.1 ;0',
      '20190101 170200;1;1;1;1e3;0', '20190101 170200;1;1;1;NaN;0', '20190101 170200;1;1;1;Infinity;0',
      '20190101 170200;1;1;1;1234567890.1234567;0', // 17 significant digits: Number() decides
      '20190101 170200;1;1;1;123456789012345;0', '20190101 170200;1;1;1;0.000000000000000000001;0', // outside [1e-9, 1e9]
      '20190101 170200;1;1;1;1000000000.000001;0', '20190101 170200;1;1;1;0.00000000099999;0',
      '\uFEFF20190101 170200;1;1;1;1.1;0', '2019-01-01 17:02;1;1;1;1.1;0', '20190101T170200;1;1;1;1.1;0',
    ];
    for (const line of declined) expect(agree(line, mismatches), line).toBe(false);
    for (const line of ['20190101 170200;;;;1.1;', '20200229 235900;x;y;z;0001.50000;abc', '20190101 170200;1;1;1;.5;0',
      '20190101 170200;1;1;1;7.;0', '20190101 170200;1;1;1;999999999.999999;0', '20190101 170200;1;1;1;1000000000;0',
      '20190101 170200;1;1;1;0.000000001;0']) { // the bounds of a good rate, [1e-9, 1e9], are good
      expect(agree(line, mismatches), line).toBe(true);
    }
    expect(mismatches).toEqual([]);
  });

  it('agrees on 200,000 random mutations of real-looking lines', () => {
    const rng = mulberry32(20191);
    const alphabet = '0123456789.;; -+eE\r\tx';
    const mismatches: string[] = [];
    let accepted = 0;
    for (let i = 0; i < 200_000; i++) {
      const close = (rng() * 200).toFixed(randInt(rng, 0, 9));
      let line = `2019${String(randInt(rng, 1, 12)).padStart(2, '0')}${String(randInt(rng, 1, 31)).padStart(2, '0')} ` +
        `${String(randInt(rng, 0, 23)).padStart(2, '0')}${String(randInt(rng, 0, 59)).padStart(2, '0')}00;1;2;3;${close};0`;
      for (let m = randInt(rng, 0, 2); m > 0; m--) {
        const at = randInt(rng, 0, line.length - 1);
        const c = alphabet[randInt(rng, 0, alphabet.length - 1)];
        line = rng() < 0.5 ? line.slice(0, at) + c + line.slice(at + 1) : line.slice(0, at) + c + line.slice(at);
      }
      if (agree(line, mismatches)) accepted++;
    }
    expect(mismatches).toEqual([]);
    expect(accepted).toBeGreaterThan(50_000); // the fast path is really exercised
  });
});

describe('the file duplicate rule (bars.ts)', () => {
  function naive(minutes: number[], rates: number[]) {
    const lastLine = new Map<number, number>();
    minutes.forEach((m, i) => lastLine.set(m, i));
    let dupIdentical = 0, dupConflicting = 0;
    minutes.forEach((m, i) => {
      const win = lastLine.get(m)!;
      if (win !== i) { if (rates[i] === rates[win]) dupIdentical++; else dupConflicting++; }
    });
    const keys = [...lastLine.keys()].sort((a, b) => a - b);
    return { minutes: keys, rates: keys.map((k) => rates[lastLine.get(k)!]), dupIdentical, dupConflicting };
  }

  function check(minutes: number[], rates: number[]) {
    const list = new BarList();
    minutes.forEach((m, i) => list.push(m, rates[i]));
    const w = list.winners();
    expect({ minutes: [...w.minutes], rates: [...w.rates], dupIdentical: w.dupIdentical, dupConflicting: w.dupConflicting })
      .toEqual(naive(minutes, rates));
    expect(w.n).toBe(w.minutes.length);
  }

  it('the last line wins; the others are identical or conflicting duplicates', () => {
    check([10, 11, 12], [1, 2, 3]);                          // sorted: taken as is
    check([10, 12, 11, 12, 10, 10], [1, 3, 2, 3.5, 1, 9]);
    check([], []);
  });

  it('agrees with a naive Map on random files (growth past 65,536 bars, heavy repeats)', () => {
    const rng = mulberry32(7);
    for (const [n, spread] of [[100, 50], [5_000, 6_000], [100_000, 90_000]]) {
      const minutes = Array.from({ length: n }, () => 25_000_000 + randInt(rng, 0, spread));
      const rates = minutes.map(() => 1 + randInt(rng, 0, 3) / 10);
      check(minutes, rates);
    }
  });

  it('falls back to a comparator sort when the packed keys would not fit in a double', () => {
    check([2 ** 40, 0, 2 ** 40, 5, 0], [1, 2, 3, 4, 2]);
  });
});

describe('binary COPY data (lib/copy-bars.ts)', () => {
  it('encodes the signature, each row and the trailer as PostgreSQL reads them', () => {
    const minute = Date.UTC(2019, 0, 1) / 60_000;
    const bars = { minutes: new Float64Array([minute, minute + 1]), rates: new Float64Array([1.1458, 109.61]), n: 2, dupIdentical: 0, dupConflicting: 0 };
    const rowsDone: number[] = [];
    const data = Buffer.concat([...binaryCopyData(bars, 'EURUSD', (n) => rowsDone.push(n), 1)]);
    expect(data.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect(data.readInt32BE(11)).toBe(0);
    expect(data.readInt32BE(15)).toBe(0);
    let o = 19;
    for (let i = 0; i < 2; i++) {
      expect(data.readInt16BE(o)).toBe(3);
      expect(data.readInt32BE(o + 2)).toBe(6);
      expect(data.toString('utf8', o + 6, o + 12)).toBe('EURUSD');
      expect(data.readInt32BE(o + 12)).toBe(8);
      // 2019-01-01 00:00 UTC is 599,616,000 s after 2000-01-01
      expect(data.readBigInt64BE(o + 16)).toBe((599_616_000n + BigInt(i * 60)) * 1_000_000n);
      expect(data.readInt32BE(o + 24)).toBe(8);
      expect(data.readDoubleBE(o + 28)).toBe(bars.rates[i]);
      o += 36;
    }
    expect(data.readInt16BE(o)).toBe(-1);
    expect(o + 2).toBe(data.length);
    expect(rowsDone).toEqual([1, 2]);
    const staged = Buffer.concat([...binaryCopyData(bars, null)]);
    expect(staged.length).toBe(19 + 2 * 26 + 2);
    expect(staged.readInt16BE(19)).toBe(2);
  });
});
