// Monotonic deque over positions of a Float64Array: the sliding-window max (or min)
// in amortised O(1) per step. Positions are stored in a ring buffer sized to the
// window, so memory is O(W) whatever the series length.

export type Extremum = 'max' | 'min';

export class MonotonicDeque {
  private readonly ring: Int32Array;
  private readonly cap: number;
  private head = 0; // ring slot of the front
  private size = 0;
  private readonly keepMax: boolean;

  /** `capacity` = the window length (the deque never holds more positions than that). */
  constructor(capacity: number, kind: Extremum) {
    this.cap = capacity + 1;
    this.ring = new Int32Array(this.cap);
    this.keepMax = kind === 'max';
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  /** Appends position `pos` (values[pos] is its value), dropping dominated positions from the back. */
  push(pos: number, values: Float64Array): void {
    const v = values[pos];
    const ring = this.ring;
    const cap = this.cap;
    if (this.keepMax) {
      while (this.size > 0) {
        let back = this.head + this.size - 1;
        if (back >= cap) back -= cap;
        if (values[ring[back]] <= v) this.size--;
        else break;
      }
    } else {
      while (this.size > 0) {
        let back = this.head + this.size - 1;
        if (back >= cap) back -= cap;
        if (values[ring[back]] >= v) this.size--;
        else break;
      }
    }
    let slot = this.head + this.size;
    if (slot >= cap) slot -= cap;
    ring[slot] = pos;
    this.size++;
  }

  /** Drops positions < `first` from the front (they left the window). */
  evictBefore(first: number): void {
    while (this.size > 0 && this.ring[this.head] < first) {
      this.head++;
      if (this.head === this.cap) this.head = 0;
      this.size--;
    }
  }

  /** Position of the window's max (or min). The deque must not be empty. */
  front(): number {
    return this.ring[this.head];
  }
}
