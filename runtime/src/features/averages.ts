// Simple and volume-weighted moving averages, relative to the latest price.
import type { InstrumentHistory } from '../market/instrument-history.ts';
import { NOTIONAL, PRICE, VOLUME, WindowSum } from './block-window.ts';
import { type WindowFamily, WindowFeature } from './feature.ts';

/** sma_N = mean of the last N prices / p_t - 1. */
class SmaFeature extends WindowFeature {
  private readonly window: number;
  private readonly prices: WindowSum;

  constructor(window: number) {
    super(window);
    this.window = window;
    this.prices = new WindowSum(window, PRICE);
  }
  update(h: InstrumentHistory, out: Float64Array, slot: number): void {
    if (this.ready) this.advance(h);
    else if (!this.fill(h, out, slot)) return;
    this.write(h, out, slot);
  }

  protected rebuild(h: InstrumentHistory): void {
    this.prices.rebuild(h);
  }

  protected advance(h: InstrumentHistory): void {
    this.prices.advance(h);
  }

  protected write(h: InstrumentHistory, out: Float64Array, slot: number): void {
    out[slot] = this.prices.sum() / this.window / h.price(0) - 1;
  }
}

/** vwap_N = sum(p*v) / sum(v) over the last N ticks / p_t - 1; 0 when sum(v) is 0. */
class VwapFeature extends WindowFeature {
  private readonly notionals: WindowSum;
  private readonly volumes: WindowSum;

  constructor(window: number) {
    super(window);
    this.notionals = new WindowSum(window, NOTIONAL);
    this.volumes = new WindowSum(window, VOLUME);
  }
  update(h: InstrumentHistory, out: Float64Array, slot: number): void {
    if (this.ready) this.advance(h);
    else if (!this.fill(h, out, slot)) return;
    this.write(h, out, slot);
  }

  protected rebuild(h: InstrumentHistory): void {
    this.notionals.rebuild(h);
    this.volumes.rebuild(h);
  }

  protected advance(h: InstrumentHistory): void {
    this.notionals.advance(h);
    this.volumes.advance(h);
  }

  protected write(h: InstrumentHistory, out: Float64Array, slot: number): void {
    const v = this.volumes.sum();
    out[slot] = v === 0 ? 0 : this.notionals.sum() / v / h.price(0) - 1;
  }
}

/** `sma_N`: needs N ticks. */
export const SMA: WindowFamily = {
  version: 1,
  ticksNeeded: (window) => window,
  create: (window) => new SmaFeature(window),
};

/** `vwap_N`: needs N ticks. */
export const VWAP: WindowFamily = {
  version: 1,
  ticksNeeded: (window) => window,
  create: (window) => new VwapFeature(window),
};
