// Where the latest price sits in its window: z-score and position in the high-low range.
import type { InstrumentHistory } from '../market/instrument-history.ts';
import { PRICE } from './block-window.ts';
import { type WindowFamily, WindowFeature } from './feature.ts';
import { WindowExtremes } from './window-extremes.ts';
import { WindowMoments } from './window-moments.ts';

/** zscore_N = (p_t - mean) / std over the last N prices (population std); 0 when std is 0. */
class ZscoreFeature extends WindowFeature {
  private readonly moments: WindowMoments;

  constructor(window: number) {
    super(window);
    this.moments = new WindowMoments(window, PRICE);
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

  protected write(h: InstrumentHistory, out: Float64Array, slot: number): void {
    this.moments.compute();
    const std = Math.sqrt(this.moments.variance);
    out[slot] = std === 0 ? 0 : (h.price(0) - this.moments.mean) / std;
  }
}

/** rangePosition_N = (p_t - min) / (max - min) over the last N prices; 0.5 when max == min. */
class RangePositionFeature extends WindowFeature {
  private readonly extremes: WindowExtremes;

  constructor(window: number) {
    super(window);
    this.extremes = new WindowExtremes(window, PRICE);
  }
  update(h: InstrumentHistory, out: Float64Array, slot: number): void {
    if (this.ready) this.advance(h);
    else if (!this.fill(h, out, slot)) return;
    this.write(h, out, slot);
  }

  protected rebuild(h: InstrumentHistory): void {
    this.extremes.rebuild(h);
  }

  protected advance(h: InstrumentHistory): void {
    this.extremes.advance(h);
  }

  protected write(h: InstrumentHistory, out: Float64Array, slot: number): void {
    const lo = this.extremes.min();
    const hi = this.extremes.max();
    out[slot] = hi === lo ? 0.5 : (h.price(0) - lo) / (hi - lo);
  }
}

/** `zscore_N`: needs N ticks. */
export const ZSCORE: WindowFamily = {
  version: 1,
  ticksNeeded: (window) => window,
  create: (window) => new ZscoreFeature(window),
};

/** `rangePosition_N`: needs N ticks. */
export const RANGE_POSITION: WindowFamily = {
  version: 1,
  ticksNeeded: (window) => window,
  create: (window) => new RangePositionFeature(window),
};
