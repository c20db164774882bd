// MACD line, its signal line and their difference, relative to the latest price.
import type { InstrumentHistory } from '../market/instrument-history.ts';
import { SeededEma } from './ema.ts';
import { type MacdFamily, RecursiveFeature } from './feature.ts';

const LINE = 0;
const SIGNAL = 1;
const HISTOGRAM = 2;
type Output = typeof LINE | typeof SIGNAL | typeof HISTOGRAM;

/**
 * raw = EMA_fast(p) - EMA_slow(p), defined once both EMAs are; signal = EMA_signal(raw), seeded
 * with the SMA of the first `signal` raw values. The output is raw, signal or raw - signal,
 * divided by p_t.
 */
class MacdFeature extends RecursiveFeature {
  private readonly output: Output;
  private readonly fast: SeededEma;
  private readonly slow: SeededEma;
  private readonly signal: SeededEma;

  constructor(output: Output, fast: number, slow: number, signal: number) {
    super();
    this.output = output;
    this.fast = new SeededEma(fast);
    this.slow = new SeededEma(slow);
    this.signal = new SeededEma(signal);
  }
  update(h: InstrumentHistory, out: Float64Array, slot: number): void {
    this.step(h.price(0), out, slot);
  }

  protected reset(): void {
    this.fast.reset();
    this.slow.reset();
    this.signal.reset();
  }

  protected step(price: number, out: Float64Array, slot: number): void {
    const raw = this.fast.step(price) - this.slow.step(price);
    if (Number.isNaN(raw)) {
      out[slot] = Number.NaN;
      return;
    }
    const signal = this.signal.step(raw);
    if (this.output === LINE) out[slot] = raw / price;
    else if (this.output === SIGNAL) out[slot] = signal / price;
    else out[slot] = (raw - signal) / price;
  }
}

/** Ticks until the MACD line exists: both EMAs seeded. */
const lineTicks = (fast: number, slow: number) => Math.max(fast, slow);

const family = (output: Output, needsSignal: boolean): MacdFamily => ({
  version: 1,
  ticksNeeded: (fast, slow, signal) => lineTicks(fast, slow) + (needsSignal ? signal - 1 : 0),
  create: (fast, slow, signal) => new MacdFeature(output, fast, slow, signal),
});

/** `macd_f_s_g`: needs max(f, s) ticks. */
export const MACD = family(LINE, false);
/** `macdSignal_f_s_g`: needs max(f, s) + g - 1 ticks. */
export const MACD_SIGNAL = family(SIGNAL, true);
/** `macdHistogram_f_s_g`: needs max(f, s) + g - 1 ticks. */
export const MACD_HISTOGRAM = family(HISTOGRAM, true);
