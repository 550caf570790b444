// Windowed sums of centred values, Σ(x - c) and Σ(x - c)², kept with Neumaier
// compensation and re-anchored exactly every W steps.
//
// Why: Σx² over raw JPY rates (~150, 75 bars) is ~1.7e6 while the variance we want is
// ~1e-8; the textbook running sum of squares loses every digit. Centring on a recent
// rate c keeps the summands at the size of the moves, Neumaier keeps the running
// sums exact to ~1 ulp of their value, and the periodic exact recompute (two passes
// over the W bars in the window, O(W) every W steps, so O(1) amortised) both moves c
// back next to the data and wipes any drift. With c = a rate of the window, a flat
// window at that level has every summand exactly 0.

export class CentredWindowSums {
  /** Centre (a rate of the series). */
  c = 0;
  private s = 0;
  private sc = 0; // Neumaier compensation of s
  private q = 0;
  private qc = 0; // Neumaier compensation of q

  /** Recomputes the sums exactly over values[from..to) with the new centre `c`. */
  reanchor(values: Float64Array, from: number, to: number, c: number): void {
    this.c = c;
    this.s = 0;
    this.sc = 0;
    this.q = 0;
    this.qc = 0;
    for (let i = from; i < to; i++) this.add(values[i]);
  }

  /** Adds value x (raw rate) to the window. */
  add(x: number): void {
    const y = x - this.c;
    this.accumulate(y, y * y);
  }

  /** Removes value x (raw rate) from the window. */
  remove(x: number): void {
    const y = x - this.c;
    this.accumulate(-y, -(y * y));
  }

  /** Σ(x - c) over the window. */
  sum(): number {
    return this.s + this.sc;
  }

  /** Σ(x - c)² over the window. */
  sumSq(): number {
    return this.q + this.qc;
  }

  private accumulate(y: number, y2: number): void {
    let t = this.s + y;
    if (Math.abs(this.s) >= Math.abs(y)) this.sc += this.s - t + y;
    else this.sc += y - t + this.s;
    this.s = t;
    t = this.q + y2;
    if (Math.abs(this.q) >= Math.abs(y2)) this.qc += this.q - t + y2;
    else this.qc += y2 - t + this.q;
    this.q = t;
  }
}
