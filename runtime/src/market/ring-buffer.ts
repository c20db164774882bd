// A fixed-capacity ring of doubles indexed from the newest value backwards. The capacity is a
// power of two so that wrapping is a mask, and pushes never allocate.

/** Largest capacity a ring accepts (2^30 values). */
export const MAX_RING_CAPACITY = 2 ** 30;

/** The smallest power of two >= n (n in 1..2^30). */
export function nextPowerOfTwo(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_RING_CAPACITY) {
    throw new RangeError(`ring capacity ${n} is not an integer in 1..${MAX_RING_CAPACITY}`);
  }
  return n === 1 ? 1 : 2 ** (32 - Math.clz32(n - 1));
}

/** Ring buffer of doubles: push is O(1) and allocation-free; `at(0)` is the newest value. */
export class RingBuffer {
  private data: Float64Array;
  private mask: number;
  /** Slot of the newest value. */
  private head: number;
  private held = 0;
  private pushed = 0;

  /** A ring holding at least `capacity` values (rounded up to a power of two). */
  constructor(capacity: number) {
    const cap = nextPowerOfTwo(capacity);
    this.data = new Float64Array(cap);
    this.mask = cap - 1;
    this.head = this.mask;
  }

  /** Values held (<= capacity). */
  get length(): number {
    return this.held;
  }

  /** Values ever pushed. */
  get count(): number {
    return this.pushed;
  }

  /** Values the ring can hold. */
  get capacity(): number {
    return this.data.length;
  }

  /** Appends a value, overwriting the oldest when full. */
  push(value: number): void {
    this.head = (this.head + 1) & this.mask;
    this.data[this.head] = value;
    if (this.held <= this.mask) this.held++;
    this.pushed++;
  }

  /** The value `back` pushes before the newest (0 = newest); NaN when not held. */
  at(back: number): number {
    if (back < 0 || back >= this.held) return Number.NaN;
    return this.data[(this.head - back) & this.mask] as number;
  }

  /** Grows to hold at least `capacity` values, keeping the held values in order. Never shrinks. */
  ensureCapacity(capacity: number): void {
    const cap = nextPowerOfTwo(capacity);
    if (cap <= this.data.length) return;
    const next = new Float64Array(cap);
    for (let i = 0; i < this.held; i++) next[i] = this.at(this.held - 1 - i);
    this.data = next;
    this.mask = cap - 1;
    this.head = (this.held - 1) & this.mask;
  }

  /** Fraction of the capacity in use, in [0, 1]. */
  utilization(): number {
    return this.held / this.data.length;
  }
}
