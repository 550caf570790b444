// The hot path of the HistData parser, on bytes: a well-formed line whose close is a plain
// decimal (digits and one '.', at most 15 significant digits, a good rate) is read without making a
// string. Every other line returns false and goes through parseHistdataLine (formats.ts),
// which says what is wrong with it. test/import-parse.test.ts proves the two agree.
//
// The close is mantissa / 10^k: both are exact doubles (mantissa < 10^15 < 2^53,
// k <= 22), so the one division is correctly rounded, the same double as Number(text)
// and as PostgreSQL's float8in of the text.
import { isGoodRate } from '../../plv8-src/spec.js';
import { utcMs, validDate } from './formats.js';

const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

export class HistdataBytes {
  /** of the last line read: wall-clock ms, and the close */
  localMs = 0;
  rate = 0;

  /** buf[s, e) is one line without its end of line. */
  read(buf: Uint8Array, s: number, e: number): boolean {
    if (e - s < 17 || buf[s + 8] !== 32 || buf[s + 15] !== 59) return false;
    // YYYYMMDD HHMMSS, digit by digit
    let v = 0;
    for (let i = 0; i < 8; i++) {
      const d = buf[s + i] - 48;
      if (d < 0 || d > 9) return false;
      v = v * 10 + d;
    }
    let t = 0;
    for (let i = 9; i < 15; i++) {
      const d = buf[s + i] - 48;
      if (d < 0 || d > 9) return false;
      t = t * 10 + d;
    }
    if (t % 100 !== 0) return false; // seconds: not a whole minute
    const y = Math.floor(v / 10000), mo = Math.floor(v / 100) % 100, d = v % 100;
    const h = Math.floor(t / 10000), mi = Math.floor(t / 100) % 100;
    if (!validDate(y, mo, d, h, mi, 0)) return false;
    // ;open;high;low;close;volume: exactly four more ';' after the one at 15
    let a = -1, b = -1, k = 0;
    for (let p = s + 16; p < e; p++) {
      if (buf[p] === 59) {
        k++;
        if (k === 3) a = p;
        else if (k === 4) b = p;
        else if (k === 5) return false;
      }
    }
    if (k !== 4) return false;
    // the close: [0-9]*(.[0-9]*)?, at least one digit
    let mant = 0, digits = 0, sig = 0, frac = -1;
    for (let p = a + 1; p < b; p++) {
      const c = buf[p];
      if (c === 46) {
        if (frac >= 0) return false;
        frac = 0;
        continue;
      }
      const dd = c - 48;
      if (dd < 0 || dd > 9) return false;
      digits++;
      if (frac >= 0) frac++;
      if (mant !== 0 || dd !== 0) sig++;
      mant = mant * 10 + dd;
    }
    if (digits === 0 || sig > 15 || frac > 22 || mant === 0) return false;
    const rate = frac > 0 ? mant / POW10[frac] : mant;
    if (!isGoodRate(rate)) return false;
    this.rate = rate;
    this.localMs = utcMs(y, mo, d, h, mi, 0);
    return true;
  }
}
