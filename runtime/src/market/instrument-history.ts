// The recent ticks of one instrument, shared by every feature of that instrument: features read
// past prices and volumes from here instead of keeping their own copies of the window.
import { RingBuffer } from './ring-buffer.ts';

/** Ticks of one instrument in three parallel rings (timestamp ms, price, volume). */
export class InstrumentHistory {
  private readonly times: RingBuffer;
  private readonly prices: RingBuffer;
  private readonly volumes: RingBuffer;

  /** A history holding at least `capacity` ticks (rounded up to a power of two). */
  constructor(capacity: number) {
    this.times = new RingBuffer(capacity);
    this.prices = new RingBuffer(capacity);
    this.volumes = new RingBuffer(capacity);
  }

  /** Ticks held (<= capacity). */
  get length(): number {
    return this.prices.length;
  }

  /** Ticks ever pushed. */
  get count(): number {
    return this.prices.count;
  }

  /** Ticks the history can hold (a power of two). */
  get capacity(): number {
    return this.prices.capacity;
  }

  /** Appends a tick, dropping the oldest when full. */
  push(ts: number, price: number, volume: number): void {
    this.times.push(ts);
    this.prices.push(price);
    this.volumes.push(volume);
  }

  /** Price `back` ticks before the latest (0 = latest); NaN when not held. */
  price(back: number): number {
    return this.prices.at(back);
  }

  /** Volume `back` ticks before the latest; NaN when not held. */
  volume(back: number): number {
    return this.volumes.at(back);
  }

  /** Timestamp (ms) `back` ticks before the latest; NaN when not held. */
  ts(back: number): number {
    return this.times.at(back);
  }

  /** Grows to hold at least `capacity` ticks, keeping the held ticks in order. Not for the hot path. */
  ensureCapacity(capacity: number): void {
    this.times.ensureCapacity(capacity);
    this.prices.ensureCapacity(capacity);
    this.volumes.ensureCapacity(capacity);
  }

  /** Fraction of the capacity in use, in [0, 1]. */
  utilization(): number {
    return this.prices.utilization();
  }
}
