// Sliding-window aggregates that are a deterministic function of the window's samples (the
// "two stacks" scheme). Samples are grouped in blocks of `window`, aligned to the absolute tick
// index, so the window is a suffix of the previous block plus a prefix of the current one.
// Prefix aggregates accumulate left to right as ticks arrive; suffix aggregates are computed right
// to left, reading the history, when a block completes (O(window) once every window ticks, so
// amortised O(1)). Nothing is ever subtracted, so long runs cannot drift, and an aggregate
// rebuilt from the held window (a feature acquired live) has exactly the state of one that saw
// every tick.
import type { InstrumentHistory } from '../market/instrument-history.ts';
import type { RingBuffer } from '../market/ring-buffer.ts';

/** The per-tick series an aggregate runs over. */
export const PRICE = 0;
export const VOLUME = 1;
/** price * volume. */
export const NOTIONAL = 2;
/** ln(p_t / p_{t-1}). */
export const LOG_RETURN = 3;
export type Source = typeof PRICE | typeof VOLUME | typeof NOTIONAL | typeof LOG_RETURN;

const SERIES = ['price', 'volume', 'notional', 'logReturn'] as const;

/** Block bookkeeping shared by the aggregates; subclasses hold the prefix and suffix values. */
export abstract class BlockWindow {
  /** Samples in the window. */
  readonly window: number;
  private readonly source: Source;
  /** The history's ring of this source, bound on the first rebuild. */
  private ring: RingBuffer | undefined;
  /** Block position (0..window-1) of the latest sample. */
  protected pos = 0;

  constructor(window: number, source: Source) {
    this.window = window;
    this.source = source;
  }

  /**
   * The sample `back` ticks before the latest tick of `h`: a read of the history's ring of the
   * source (derived series are computed once per tick by the history). One small monomorphic
   * call, so it is inlined and its double is not boxed.
   */
  protected sample(_h: InstrumentHistory, back: number): number {
    return (this.ring as RingBuffer).at(back);
  }

  /** Sets the state from the last `window` samples, which `h` must hold. */
  rebuild(h: InstrumentHistory): void {
    this.ring = h.series(SERIES[this.source]);
    const last = this.window - 1;
    this.pos = (h.count - 1) % this.window;
    this.clearPrefix();
    for (let back = this.pos; back >= 0; back--) this.addPrefix(h, back);
    // The window's older part is the previous block from position pos+1 on, whose last sample
    // is pos+1 ticks back; when the current block is complete it is the next window's suffix.
    if (this.pos === last) this.fillSuffixes(h, 0, 1);
    else this.fillSuffixes(h, this.pos + 1, this.pos + 1);
  }

  /** Takes in the sample of the tick just pushed onto `h`. */
  advance(h: InstrumentHistory): void {
    const last = this.window - 1;
    if (this.pos === last) {
      this.pos = 0;
      this.clearPrefix();
    } else this.pos++;
    this.addPrefix(h, 0);
    if (this.pos === last) this.fillSuffixes(h, 0, 1);
  }

  /** Samples of the previous block still in the window (window - 1 - pos). */
  protected get suffixLength(): number {
    return this.window - 1 - this.pos;
  }

  /**
   * Sets the suffix aggregates of block positions window-1 down to `low`, right to left; the
   * sample at position window-1 is `lastBack` ticks back.
   */
  protected abstract fillSuffixes(h: InstrumentHistory, lastBack: number, low: number): void;
  /** Starts an empty prefix (a new block). */
  protected abstract clearPrefix(): void;
  /** Adds the sample `back` ticks back to the prefix. */
  protected abstract addPrefix(h: InstrumentHistory, back: number): void;
}

/** Sum of the last `window` samples. */
export class WindowSum extends BlockWindow {
  private readonly suffix: Float64Array;
  private prefix = 0;

  constructor(window: number, source: Source) {
    super(window, source);
    this.suffix = new Float64Array(window);
  }

  /** Sum over the window. */
  sum(): number {
    return this.pos === this.window - 1
      ? this.prefix
      : (this.suffix[this.pos + 1] as number) + this.prefix;
  }

  protected fillSuffixes(h: InstrumentHistory, lastBack: number, low: number): void {
    const last = this.window - 1;
    if (low > last) return;
    let acc = this.sample(h, lastBack);
    this.suffix[last] = acc;
    for (let i = last - 1, back = lastBack + 1; i >= low; i--, back++) {
      acc = this.sample(h, back) + acc;
      this.suffix[i] = acc;
    }
  }

  protected clearPrefix(): void {
    this.prefix = 0;
  }

  protected addPrefix(h: InstrumentHistory, back: number): void {
    this.prefix += this.sample(h, back);
  }
}
