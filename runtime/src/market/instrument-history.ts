// The recent ticks of one instrument, shared by every feature of that instrument: features read
// past prices and volumes from here instead of keeping their own copies of the window.
import { RingBuffer } from './ring-buffer.ts';

/**
 * A per-tick series kept alongside the ticks once a feature asks for it (`series`): computed once
 * per tick here instead of in every feature that samples it, and read by features straight from
 * a ring (one small call, so it is inlined and its double is not boxed).
 */
export type Derived = 'notional' | 'logReturn';

/** Ticks of one instrument in parallel rings (timestamp ms, price, volume, derived series). */
export class InstrumentHistory {
  private readonly times: RingBuffer;
  private readonly prices: RingBuffer;
  private readonly volumes: RingBuffer;
  /** price * volume, once asked for. */
  private notionals: RingBuffer | undefined;
  /** ln(p_t / p_{t-1}), once asked for; NaN where p_{t-1} is not held. */
  private logReturns: RingBuffer | undefined;

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
    // Exactly the expression a feature would compute, so the values are bit-for-bit the same.
    if (this.logReturns) this.logReturns.push(Math.log(price / this.prices.at(0)));
    if (this.notionals) this.notionals.push(price * volume);
    this.times.push(ts);
    this.prices.push(price);
    this.volumes.push(volume);
  }

  /** The ring of prices, volumes or a derived series, newest first (see RingBuffer.at). */
  series(name: 'price' | 'volume' | Derived): RingBuffer {
    if (name === 'price') return this.prices;
    if (name === 'volume') return this.volumes;
    if (name === 'notional') {
      this.notionals ??= this.derive((back) => this.price(back) * this.volume(back));
      return this.notionals;
    }
    this.logReturns ??= this.derive((back) => Math.log(this.price(back) / this.price(back + 1)));
    return this.logReturns;
  }

  /** A ring with `f(back)` for every tick held, oldest first, the same capacity as the others. */
  private derive(f: (back: number) => number): RingBuffer {
    const ring = new RingBuffer(this.capacity);
    for (let back = this.length - 1; back >= 0; back--) ring.push(f(back));
    return ring;
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
    this.notionals?.ensureCapacity(capacity);
    this.logReturns?.ensureCapacity(capacity);
  }

  /** Fraction of the capacity in use, in [0, 1]. */
  utilization(): number {
    return this.prices.utilization();
  }
}
