// Per-instrument histories and the features strategies read from them. Each feature key of an
// instrument is computed once per tick however many strategies acquired it, and its value sits
// in one slot of the instrument's `values(instrument)` array, so the executor reads it without a
// lookup.
import {
  type FeatureParams,
  featureKey,
} from '../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { InstrumentHistory } from '../market/instrument-history.ts';
import { nextPowerOfTwo } from '../market/ring-buffer.ts';
import type { Feature } from './feature.ts';
import { createFeature, ticksNeeded } from './registry.ts';

export interface FeatureStoreOptions {
  /**
   * Smallest history capacity of an instrument, in ticks (rounded up to a power of two). A
   * deeper history lets features acquired later start warm.
   * @default 256
   */
  minHistoryCapacity?: number;
}

/** Gauges of one instrument. */
export interface InstrumentStats {
  /** Ticks held. */
  length: number;
  /** Ticks the history can hold. */
  capacity: number;
  /** Ticks ever received. */
  count: number;
  /** length / capacity. */
  utilization: number;
  /** Largest warm-up of the acquired features, in ticks (0 with none). */
  ticksNeeded: number;
  /** Distinct features acquired. */
  features: number;
}

interface Acquired {
  readonly key: string;
  readonly feature: Feature;
  readonly slot: number;
  readonly ticksNeeded: number;
  refs: number;
}

interface Instrument {
  readonly history: InstrumentHistory;
  /** Acquired features in update order (dense, for the tick loop). */
  readonly list: Acquired[];
  readonly byKey: Map<string, Acquired>;
  /** Feature values by slot; NaN in free slots. */
  values: Float64Array;
  readonly freeSlots: number[];
  nextSlot: number;
  ticksNeeded: number;
}

const NO_VALUES = new Float64Array(0);

/** Reference-counted features over shared per-instrument histories. */
export class FeatureStore {
  private readonly instruments = new Map<string, Instrument>();
  private readonly minCapacity: number;
  private computed = 0;
  private rejected = 0;

  constructor(options: FeatureStoreOptions = {}) {
    this.minCapacity = nextPowerOfTwo(options.minHistoryCapacity ?? 256);
  }

  /**
   * Latest value of each acquired feature of an instrument, by slot (NaN before warm-up); empty
   * for an instrument not kept. An acquire may replace the array: read it again after acquiring.
   */
  values(instrument: string): Float64Array {
    return this.instruments.get(instrument)?.values ?? NO_VALUES;
  }

  /** Feature updates computed since construction (one per acquired key per tick). */
  get computations(): number {
    return this.computed;
  }

  /** Ticks refused by onTick: price not finite and > 0, volume not finite and >= 0, or ts not finite. */
  get rejectedTicks(): number {
    return this.rejected;
  }

  /** Starts keeping history for an instrument (no-op when kept already); returns its history. */
  addInstrument(instrument: string): InstrumentHistory {
    return this.entry(instrument).history;
  }

  /** Drops an instrument, its history and all its features (their slots become free). */
  removeInstrument(instrument: string): boolean {
    const inst = this.instruments.get(instrument);
    if (inst === undefined) return false;
    return this.instruments.delete(instrument);
  }

  /** Instruments kept, in the order they were added. */
  instrumentNames(): string[] {
    return [...this.instruments.keys()];
  }

  /** The shared history of an instrument. */
  history(instrument: string): InstrumentHistory | undefined {
    return this.instruments.get(instrument)?.history;
  }

  /**
   * Takes a reference to a feature of an instrument (adding the instrument if needed) and
   * returns its slot in `values`. A new feature is initialised from the held history, so it is
   * warm at once when the history suffices.
   */
  acquire(instrument: string, params: FeatureParams): number {
    const need = ticksNeeded(params);
    const key = featureKey(params);
    const inst = this.entry(instrument);
    const held = inst.byKey.get(key);
    if (held !== undefined) {
      held.refs++;
      return held.slot;
    }
    const feature = createFeature(params);
    inst.history.ensureCapacity(Math.max(this.minCapacity, need + 1));
    const slot = allocSlot(inst);
    feature.init(inst.history, inst.values, slot);
    const acquired: Acquired = { key, feature, slot, ticksNeeded: need, refs: 1 };
    inst.list.push(acquired);
    inst.byKey.set(key, acquired);
    inst.ticksNeeded = Math.max(inst.ticksNeeded, need);
    return slot;
  }

  /** Drops one reference; the last one drops the feature. False when the key is not acquired. */
  release(instrument: string, key: string): boolean {
    const inst = this.instruments.get(instrument);
    const held = inst?.byKey.get(key);
    if (inst === undefined || held === undefined) return false;
    if (--held.refs > 0) return true;
    inst.byKey.delete(key);
    inst.list.splice(inst.list.indexOf(held), 1);
    inst.ticksNeeded = inst.list.reduce((max, a) => Math.max(max, a.ticksNeeded), 0);
    inst.values[held.slot] = Number.NaN;
    inst.freeSlots.push(held.slot);
    return true;
  }

  /** Ticks of history before a feature's value is defined (validates the params). */
  ticksNeeded(params: FeatureParams): number {
    return ticksNeeded(params);
  }

  /** Slot of an acquired feature, or undefined. */
  slot(instrument: string, key: string): number | undefined {
    return this.instruments.get(instrument)?.byKey.get(key)?.slot;
  }

  /**
   * Appends a tick to the instrument's history and updates each of its features once. False
   * (and nothing changes) for an instrument not kept or a rejected tick.
   */
  onTick(instrument: string, ts: number, price: number, volume: number): boolean {
    const inst = this.instruments.get(instrument);
    if (inst === undefined) return false;
    return this.update(inst, ts, price, volume);
  }

  /**
   * onTick with tick `i` of columns of ticks. The hot path passes arrays and an index: doubles
   * passed to a call that is not inlined are boxed, an allocation each.
   */
  onTickOf(
    instrument: string,
    ts: Float64Array,
    price: Float64Array,
    volume: Float64Array,
    i: number,
  ): boolean {
    const inst = this.instruments.get(instrument);
    if (inst === undefined) return false;
    return this.update(inst, ts[i] as number, price[i] as number, volume[i] as number);
  }

  private update(inst: Instrument, ts: number, price: number, volume: number): boolean {
    if (
      !(price > 0 && price < Number.POSITIVE_INFINITY) ||
      !(volume >= 0 && volume < Number.POSITIVE_INFINITY) ||
      !Number.isFinite(ts)
    ) {
      this.rejected++;
      return false;
    }
    const h = inst.history;
    h.push(ts, price, volume);
    const list = inst.list;
    const vals = inst.values;
    for (let i = 0; i < list.length; i++) {
      const a = list[i] as Acquired;
      a.feature.update(h, vals, a.slot);
    }
    this.computed += list.length;
    return true;
  }

  /** Gauges of an instrument, or undefined when not kept. */
  stats(instrument: string): InstrumentStats | undefined {
    const inst = this.instruments.get(instrument);
    if (inst === undefined) return undefined;
    const h = inst.history;
    return {
      length: h.length,
      capacity: h.capacity,
      count: h.count,
      utilization: h.utilization(),
      ticksNeeded: inst.ticksNeeded,
      features: inst.list.length,
    };
  }

  private entry(instrument: string): Instrument {
    let inst = this.instruments.get(instrument);
    if (inst === undefined) {
      inst = {
        history: new InstrumentHistory(this.minCapacity),
        list: [],
        byKey: new Map(),
        values: new Float64Array(16).fill(Number.NaN),
        freeSlots: [],
        nextSlot: 0,
        ticksNeeded: 0,
      };
      this.instruments.set(instrument, inst);
    }
    return inst;
  }
}

/** A free slot of the instrument, growing its values array when all are taken. */
function allocSlot(inst: Instrument): number {
  const free = inst.freeSlots.pop();
  if (free !== undefined) return free;
  if (inst.nextSlot === inst.values.length) {
    const grown = new Float64Array(inst.values.length * 2).fill(Number.NaN);
    grown.set(inst.values);
    inst.values = grown;
  }
  return inst.nextSlot++;
}
