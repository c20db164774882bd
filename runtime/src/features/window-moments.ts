// Mean and population variance over a sliding window, on the block scheme of block-window.ts.
// Each part sums deviations from one of its own samples (the suffix from its last sample, the
// prefix from its first), so squares stay small: summing raw squares of prices near 50000 would
// cancel away most digits of the variance.
import type { InstrumentHistory } from '../market/instrument-history.ts';
import { BlockWindow, type Source } from './block-window.ts';

/** Mean and population variance of the last `window` samples; call `compute()` to read them. */
export class WindowMoments extends BlockWindow {
  /** Mean over the window, set by `compute()`. */
  mean = Number.NaN;
  /** Population variance over the window (>= 0), set by `compute()`. */
  variance = Number.NaN;
  private readonly suffix1: Float64Array;
  private readonly suffix2: Float64Array;
  private suffixShift = 0;
  private prefixShift = 0;
  private prefix1 = 0;
  private prefix2 = 0;
  private prefixEmpty = true;

  constructor(window: number, source: Source) {
    super(window, source);
    this.suffix1 = new Float64Array(window);
    this.suffix2 = new Float64Array(window);
  }

  /** Sets `mean` and `variance` for the current window. */
  compute(): void {
    const n = this.suffixLength;
    let s1 = this.prefix1;
    let s2 = this.prefix2;
    if (n > 0) {
      // Re-centre the suffix sums on the prefix's shift: sum((x-b)^2) over the suffix is
      // sum((x-a)^2) + 2d sum(x-a) + n d^2 with d = a - b.
      const f1 = this.suffix1[this.pos + 1] as number;
      const f2 = this.suffix2[this.pos + 1] as number;
      const d = this.suffixShift - this.prefixShift;
      s1 += f1 + n * d;
      s2 += f2 + 2 * d * f1 + n * d * d;
    }
    const m = s1 / this.window;
    this.mean = this.prefixShift + m;
    const v = s2 / this.window - m * m;
    this.variance = Math.max(v, 0);
  }

  protected fillSuffixes(h: InstrumentHistory, lastBack: number, low: number): void {
    const last = this.window - 1;
    if (low > last) return;
    const a = this.sample(h, lastBack);
    this.suffixShift = a;
    let acc1 = 0;
    let acc2 = 0;
    this.suffix1[last] = 0;
    this.suffix2[last] = 0;
    for (let i = last - 1, back = lastBack + 1; i >= low; i--, back++) {
      const d = this.sample(h, back) - a;
      acc1 = d + acc1;
      acc2 = d * d + acc2;
      this.suffix1[i] = acc1;
      this.suffix2[i] = acc2;
    }
  }

  protected clearPrefix(): void {
    this.prefix1 = 0;
    this.prefix2 = 0;
    this.prefixEmpty = true;
  }

  protected addPrefix(h: InstrumentHistory, back: number): void {
    const x = this.sample(h, back);
    if (this.prefixEmpty) {
      this.prefixShift = x;
      this.prefixEmpty = false;
    }
    const d = x - this.prefixShift;
    this.prefix1 += d;
    this.prefix2 += d * d;
  }
}
