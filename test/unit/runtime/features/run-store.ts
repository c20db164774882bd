// Drives a FeatureStore over a tick series and records every feature's value at every tick.
import {
  type FeatureParams,
  featureKey,
} from '../../../../operator/src/api/v1alpha1/feature-catalog.ts';
import {
  FeatureStore,
  type FeatureStoreOptions,
} from '../../../../runtime/src/features/feature-store.ts';
import type { Ticks } from '../../../fixtures/ticks/generate.ts';

export const INSTRUMENT = 'BTC-USD';

/** Feeds ticks [from, to) into the store. */
export function feed(store: FeatureStore, ticks: Ticks, from: number, to: number): void {
  for (let t = from; t < to; t++) {
    store.onTick(
      INSTRUMENT,
      ticks.ts[t] as number,
      ticks.price[t] as number,
      ticks.volume[t] as number,
    );
  }
}

/** Values of each feature (by key) at every tick, with every feature acquired before the first tick. */
export function runStore(
  features: FeatureParams[],
  ticks: Ticks,
  options: FeatureStoreOptions = {},
): Map<string, Float64Array> {
  const store = new FeatureStore(options);
  const slots = features.map((f) => [featureKey(f), store.acquire(INSTRUMENT, f)] as const);
  const out = new Map(slots.map(([key]) => [key, new Float64Array(ticks.price.length)]));
  for (let t = 0; t < ticks.price.length; t++) {
    feed(store, ticks, t, t + 1);
    const values = store.values(INSTRUMENT);
    for (const [key, slot] of slots) (out.get(key) as Float64Array)[t] = values[slot] as number;
  }
  return out;
}

/** |actual - expected| <= tol * max(1, |expected|), with NaN only where NaN is expected. */
export function close(actual: number, expected: number, tol = 1e-9): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual))
    return Number.isNaN(expected) && Number.isNaN(actual);
  return Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected));
}

/** Ticks as plain arrays (for building small hand-made series). */
export function ticksOf(price: number[], volume: number[] = price.map(() => 1)): Ticks {
  return {
    ts: Float64Array.from(price, (_, i) => 1_000 * (i + 1)),
    price: Float64Array.from(price),
    volume: Float64Array.from(volume),
  };
}
