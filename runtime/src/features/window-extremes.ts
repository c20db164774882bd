// Rolling minimum and maximum on the block scheme of block-window.ts: suffix minima/maxima of
// the previous block plus running minima/maxima of the current one. Amortised O(1) like a
// monotonic deque, with the same O(window) state, but the cost is spread evenly and the code
// shares its bookkeeping with the sums.
import type { InstrumentHistory } from '../market/instrument-history.ts';
import { BlockWindow, type Source } from './block-window.ts';

/** Minimum and maximum of the last `window` samples. */
export class WindowExtremes extends BlockWindow {
  private readonly suffixMin: Float64Array;
  private readonly suffixMax: Float64Array;
  private prefixMin = Number.POSITIVE_INFINITY;
  private prefixMax = Number.NEGATIVE_INFINITY;

  constructor(window: number, source: Source) {
    super(window, source);
    this.suffixMin = new Float64Array(window);
    this.suffixMax = new Float64Array(window);
  }

  /** Minimum over the window. */
  min(): number {
    return this.suffixLength === 0
      ? this.prefixMin
      : Math.min(this.suffixMin[this.pos + 1] as number, this.prefixMin);
  }

  /** Maximum over the window. */
  max(): number {
    return this.suffixLength === 0
      ? this.prefixMax
      : Math.max(this.suffixMax[this.pos + 1] as number, this.prefixMax);
  }

  protected fillSuffixes(h: InstrumentHistory, lastBack: number, low: number): void {
    const last = this.window - 1;
    if (low > last) return;
    let lo = this.sample(h, lastBack);
    let hi = lo;
    this.suffixMin[last] = lo;
    this.suffixMax[last] = hi;
    for (let i = last - 1, back = lastBack + 1; i >= low; i--, back++) {
      const x = this.sample(h, back);
      if (x < lo) lo = x;
      if (x > hi) hi = x;
      this.suffixMin[i] = lo;
      this.suffixMax[i] = hi;
    }
  }

  protected clearPrefix(): void {
    this.prefixMin = Number.POSITIVE_INFINITY;
    this.prefixMax = Number.NEGATIVE_INFINITY;
  }

  protected addPrefix(h: InstrumentHistory, back: number): void {
    const x = this.sample(h, back);
    if (x < this.prefixMin) this.prefixMin = x;
    if (x > this.prefixMax) this.prefixMax = x;
  }
}
