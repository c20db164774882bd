// Wilder's relative strength index, scaled to [0, 1].
import type { InstrumentHistory } from '../market/instrument-history.ts';
import { RecursiveFeature, type WindowFamily } from './feature.ts';

/**
 * rsi_N = avgGain / (avgGain + avgLoss), 0.5 when both are 0. The first averages are the simple
 * means of the first N one-tick changes; then avg = (avg * (N-1) + x) / N.
 */
class RsiFeature extends RecursiveFeature {
  private readonly window: number;
  private previous = Number.NaN;
  private changes = 0;
  private gain = 0;
  private loss = 0;

  constructor(window: number) {
    super();
    this.window = window;
  }
  update(h: InstrumentHistory, out: Float64Array, slot: number): void {
    this.step(h.price(0), out, slot);
  }

  protected reset(): void {
    this.previous = Number.NaN;
    this.changes = 0;
    this.gain = 0;
    this.loss = 0;
  }

  protected step(price: number, out: Float64Array, slot: number): void {
    out[slot] = this.next(price);
  }

  /** The RSI after `price` (NaN before N changes). */
  private next(price: number): number {
    const change = price - this.previous;
    this.previous = price;
    if (Number.isNaN(change)) return Number.NaN;
    const up = Math.max(change, 0);
    const down = Math.max(-change, 0);
    const n = this.window;
    if (this.changes < n) {
      // While seeding, gain and loss hold sums; they become averages at the N-th change.
      this.gain += up;
      this.loss += down;
      if (++this.changes < n) return Number.NaN;
      this.gain /= n;
      this.loss /= n;
    } else {
      this.gain = (this.gain * (n - 1) + up) / n;
      this.loss = (this.loss * (n - 1) + down) / n;
    }
    const total = this.gain + this.loss;
    return total === 0 ? 0.5 : this.gain / total;
  }
}

/** `rsi_N`: needs N+1 ticks (N changes). */
export const RSI: WindowFamily = {
  version: 1,
  ticksNeeded: (window) => window + 1,
  create: (window) => new RsiFeature(window),
};
