// The centred sums behind every window's return and stdev: for bar p and window W,
// s = Σ(x - c) and q = Σ(x - c)² over the W good bars before p, centred on c = the bar
// just before p. Taken afresh for every bar, so a bar's values depend on its own window
// only, never on where the input began (months, years and live inserts agree bit for
// bit). The windows are nested (the 75 bars before p hold the 60, 45, 30 and 15 before
// it), so one walk back over 75 bars gives all five: O(75) per bar.
//
// Why centring: Σx² over raw JPY rates (~150, 75 bars) is ~1.7e6 while the variance
// wanted is ~1e-8; the textbook sum of squares would lose every digit. Every rate of a
// window is within a factor of two of c in practice, so x - c is exact (Sterbenz) and
// the summands are the size of the moves.

import { WINDOWS, type Window } from './spec.js';

/** s and q of one window for each row k (bar p0 + k); NaN where the window is undefined. */
export interface WindowSums {
  readonly s: Float64Array;
  readonly q: Float64Array;
}

/** Centred sums of every window for the bars p0..m-1 of the good rates g (row k = p - p0). */
export function centredWindowSums(g: Float64Array, m: number, p0: number): Record<Window, WindowSums> {
  const length = Math.max(0, m - p0);
  const out = {} as Record<Window, WindowSums>;
  for (const w of WINDOWS) out[w] = { s: new Float64Array(length).fill(NaN), q: new Float64Array(length).fill(NaN) };
  const ws = WINDOWS.map((w) => out[w]);
  for (let p = p0; p < m; p++) {
    const k = p - p0;
    const c = g[p - 1];
    let s = 0;
    let q = 0;
    let back = 1;
    for (let wi = 0; wi < WINDOWS.length; wi++) {
      const w = WINDOWS[wi];
      if (p < w) break;
      for (; back <= w; back++) {
        const d = g[p - back] - c;
        s += d;
        q += d * d;
      }
      ws[wi].s[k] = s;
      ws[wi].q[k] = q;
    }
  }
  return out;
}
