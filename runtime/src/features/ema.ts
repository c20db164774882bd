// Exponential moving average seeded with the simple average of its first N inputs.
import type { InstrumentHistory } from '../market/instrument-history.ts';
import { RecursiveFeature, type WindowFamily } from './feature.ts';

/** EMA with alpha = 2/(N+1): NaN for the first N-1 inputs, their SMA at the N-th, then recursive. */
export class SeededEma {
  /** Current average; NaN until N inputs were seen. */
  value = Number.NaN;
  private readonly period: number;
  private readonly alpha: number;
  private seen = 0;
  private sum = 0;

  constructor(period: number) {
    this.period = period;
    this.alpha = 2 / (period + 1);
  }

  /** Forgets every input. */
  reset(): void {
    this.value = Number.NaN;
    this.seen = 0;
    this.sum = 0;
  }

  /** Takes in the next input; returns the average (NaN before N inputs). */
  step(x: number): number {
    if (this.seen < this.period) {
      this.sum += x;
      this.seen++;
      if (this.seen === this.period) this.value = this.sum / this.period;
    } else {
      this.value += this.alpha * (x - this.value);
    }
    return this.value;
  }
}

/** ema_N = EMA_N(p) / p_t - 1. */
class EmaFeature extends RecursiveFeature {
  private readonly ema: SeededEma;

  constructor(window: number) {
    super();
    this.ema = new SeededEma(window);
  }
  update(h: InstrumentHistory, out: Float64Array, slot: number): void {
    this.step(h.price(0), out, slot);
  }

  protected reset(): void {
    this.ema.reset();
  }

  protected step(price: number, out: Float64Array, slot: number): void {
    out[slot] = this.ema.step(price) / price - 1;
  }
}

/** `ema_N`: needs N ticks. */
export const EMA: WindowFamily = {
  version: 1,
  ticksNeeded: (window) => window,
  create: (window) => new EmaFeature(window),
};
