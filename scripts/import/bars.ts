// The good bars of one file, in file order (epoch minute + rate in typed arrays: ~16 bytes
// a line), and the file's duplicate rule applied to them.
//
// The rule (docs/import-verify.md): when the file has several lines for one instant, the
// LAST line of the file wins; each of the others is a duplicate, identical when its rate
// equals the winner's, else conflicting. What is left is one bar per instant, in time
// order: what is written to bqx.m1 (or to the staging table when bqx.m1 already holds
// bars of the file's range).
import type { Bars } from '../lib/copy-bars.js';

/** One bar per instant: minutes strictly increasing. */
export interface Winners extends Bars {
  dupIdentical: number;
  dupConflicting: number;
}

export class BarList {
  minutes: Float64Array;
  rates: Float64Array;
  n = 0;
  /** minutes strictly increasing so far: nothing to sort or dedupe */
  private increasing = true;

  /** holds at most maxBars bars: the next push throws tooMany() */
  constructor(private readonly maxBars = Infinity, private readonly tooMany: () => Error = () => new Error('too many bars')) {
    this.minutes = new Float64Array(Math.min(1 << 16, maxBars));
    this.rates = new Float64Array(this.minutes.length);
  }

  push(minute: number, rate: number): void {
    if (this.n === this.minutes.length) {
      if (this.n >= this.maxBars) throw this.tooMany();
      const size = Math.min(this.n * 2, Math.max(this.maxBars, this.n + 1));
      const grow = (a: Float64Array) => { const b = new Float64Array(size); b.set(a); return b; };
      this.minutes = grow(this.minutes);
      this.rates = grow(this.rates);
    }
    if (this.n > 0 && minute <= this.minutes[this.n - 1]) this.increasing = false;
    this.minutes[this.n] = minute;
    this.rates[this.n] = rate;
    this.n++;
  }

  /** One bar per instant, the last line winning, sorted by time. */
  winners(): Winners {
    const { n, minutes, rates } = this;
    if (this.increasing) {
      return { minutes: minutes.subarray(0, n), rates: rates.subarray(0, n), n, dupIdentical: 0, dupConflicting: 0 };
    }
    const order = sortedOrder(minutes, n);
    const wm = new Float64Array(n);
    const wr = new Float64Array(n);
    let w = 0, dupIdentical = 0, dupConflicting = 0;
    for (let j = 0; j < n; ) {
      // a run of lines at one instant, in file order: the last one wins
      let end = j + 1;
      while (end < n && minutes[order[end]] === minutes[order[j]]) end++;
      const win = rates[order[end - 1]];
      for (let q = j; q < end - 1; q++) {
        if (rates[order[q]] === win) dupIdentical++;
        else dupConflicting++;
      }
      wm[w] = minutes[order[j]];
      wr[w] = win;
      w++;
      j = end;
    }
    return { minutes: wm.subarray(0, w), rates: wr.subarray(0, w), n: w, dupIdentical, dupConflicting };
  }
}

/** Line indexes ordered by (minute, index): a numeric sort of packed keys when they fit in 2^53. */
function sortedOrder(minutes: Float64Array, n: number): Uint32Array {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (minutes[i] < lo) lo = minutes[i];
    if (minutes[i] > hi) hi = minutes[i];
  }
  const order = new Uint32Array(n);
  if ((hi - lo + 1) * n < 2 ** 53) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = (minutes[i] - lo) * n + i;
    keys.sort();
    for (let j = 0; j < n; j++) {
      const k = keys[j];
      order[j] = k - Math.floor(k / n) * n;
    }
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => minutes[a] - minutes[b] || a - b);
}
