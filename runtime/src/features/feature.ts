// What every feature implements, and the two ways features warm up. docs/reference/features.md
// gives the exact definition of each.
import type { InstrumentHistory } from '../market/instrument-history.ts';

/**
 * One feature of one instrument, updated once per tick from the instrument's shared history.
 * Values are written to `out[slot]` rather than returned: a double returned through the store's
 * megamorphic call would be boxed, allocating on every tick.
 */
export interface Feature {
  /** Rebuilds the state from the ticks `h` holds; writes the value at the latest tick. */
  init(h: InstrumentHistory, out: Float64Array, slot: number): void;
  /** Takes in the tick just pushed onto `h`; writes its value (NaN before warm-up). */
  update(h: InstrumentHistory, out: Float64Array, slot: number): void;
}

/**
 * A feature of the last `need` ticks only. It is defined once the history holds `need` ticks,
 * and its state is then a function of those ticks alone: rebuilt from the held window on
 * acquire, it is bit-for-bit the state of a feature that saw every tick.
 * The history must hold at least `need` ticks (the store sizes it).
 *
 * Each feature writes its own `update`, always the same three lines:
 *   if (this.ready) this.advance(h);
 *   else if (!this.fill(h, out, slot)) return;
 *   this.write(h, out, slot);
 * Written once here, the calls to advance() and write() would see every feature class and could
 * not be inlined (the tick loop paid for three dynamic calls per feature); in each class they
 * see one.
 */
export abstract class WindowFeature implements Feature {
  private readonly need: number;
  protected ready = false;

  constructor(need: number) {
    this.need = need;
  }

  init(h: InstrumentHistory, out: Float64Array, slot: number): void {
    this.ready = h.length >= this.need;
    if (!this.ready) {
      out[slot] = Number.NaN;
      return;
    }
    this.rebuild(h);
    this.write(h, out, slot);
  }

  abstract update(h: InstrumentHistory, out: Float64Array, slot: number): void;

  /**
   * Before the window is full: writes NaN and returns false. On the tick that fills it: sets the
   * state from the held window and returns true.
   */
  protected fill(h: InstrumentHistory, out: Float64Array, slot: number): boolean {
    if (h.length < this.need) {
      out[slot] = Number.NaN;
      return false;
    }
    this.ready = true;
    this.rebuild(h);
    return true;
  }

  /** Sets the state from the held window. */
  protected abstract rebuild(h: InstrumentHistory): void;
  /** Moves the state forward by the tick just pushed. */
  protected abstract advance(h: InstrumentHistory): void;
  /** Writes the value at the latest tick to out[slot]. */
  protected abstract write(h: InstrumentHistory, out: Float64Array, slot: number): void;
}

/**
 * A feature defined by a recursion over every price seen (EMA, Wilder averages). Acquired on a
 * history, it replays the held prices oldest first; it equals a feature that saw every tick
 * when the history still holds every tick.
 * Each feature writes its own `update` as `this.step(h.price(0), out, slot)`, for the reason
 * WindowFeature gives.
 */
export abstract class RecursiveFeature implements Feature {
  init(h: InstrumentHistory, out: Float64Array, slot: number): void {
    this.reset();
    out[slot] = Number.NaN;
    for (let back = h.length - 1; back >= 0; back--) this.step(h.price(back), out, slot);
  }

  abstract update(h: InstrumentHistory, out: Float64Array, slot: number): void;

  /** Forgets every price seen. */
  protected abstract reset(): void;
  /** Takes in the next price; writes the value at it (NaN before warm-up) to out[slot]. */
  protected abstract step(price: number, out: Float64Array, slot: number): void;
}

/** A feature family with one look-back window: implementation version, warm-up, constructor. */
export interface WindowFamily {
  /** Bumped whenever the family's values change for the same inputs. */
  readonly version: number;
  /** Ticks of history before the value is defined. */
  ticksNeeded(window: number): number;
  /** A new, empty feature. */
  create(window: number): Feature;
}

/** A MACD-family feature: the same as WindowFamily with fast, slow and signal periods. */
export interface MacdFamily {
  /** Bumped whenever the family's values change for the same inputs. */
  readonly version: number;
  /** Ticks of history before the value is defined. */
  ticksNeeded(fast: number, slow: number, signal: number): number;
  /** A new, empty feature. */
  create(fast: number, slow: number, signal: number): Feature;
}
