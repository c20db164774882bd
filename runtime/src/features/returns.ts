// Log return over a window, and the volatility of one-tick log returns.
import type { InstrumentHistory } from '../market/instrument-history.ts';
import { LOG_RETURN } from './block-window.ts';
import { type WindowFamily, WindowFeature } from './feature.ts';
import { WindowMoments } from './window-moments.ts';

/** return_N = ln(p_t / p_{t-N}). */
class ReturnFeature extends WindowFeature {
  private readonly window: number;

  constructor(window: number) {
    super(window + 1);
    this.window = window;
  }
  update(h: InstrumentHistory, out: Float64Array, slot: number): void {
    if (this.ready) this.advance(h);
    else if (!this.fill(h, out, slot)) return;
    this.write(h, out, slot);
  }

  protected rebuild(_h: InstrumentHistory): void {}

  protected advance(_h: InstrumentHistory): void {}

  protected write(h: InstrumentHistory, out: Float64Array, slot: number): void {
    out[slot] = Math.log(h.price(0) / h.price(this.window));
  }
}

/** volatility_N = population std of the last N one-tick log returns. */
class VolatilityFeature extends WindowFeature {
  private readonly moments: WindowMoments;

  constructor(window: number) {
    super(window + 1);
    this.moments = new WindowMoments(window, LOG_RETURN);
  }
  update(h: InstrumentHistory, out: Float64Array, slot: number): void {
    if (this.ready) this.advance(h);
    else if (!this.fill(h, out, slot)) return;
    this.write(h, out, slot);
  }

  protected rebuild(h: InstrumentHistory): void {
    this.moments.rebuild(h);
  }

  protected advance(h: InstrumentHistory): void {
    this.moments.advance(h);
  }

  protected write(_h: InstrumentHistory, out: Float64Array, slot: number): void {
    this.moments.compute();
    out[slot] = Math.sqrt(this.moments.variance);
  }
}

/** `return_N`: needs N+1 ticks. */
export const RETURN: WindowFamily = {
  version: 1,
  ticksNeeded: (window) => window + 1,
  create: (window) => new ReturnFeature(window),
};

/** `volatility_N`: needs N+1 ticks (N returns). */
export const VOLATILITY: WindowFamily = {
  version: 1,
  ticksNeeded: (window) => window + 1,
  create: (window) => new VolatilityFeature(window),
};
