import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FEATURE_NAMES,
  type FeatureParams,
  featureKey,
  isMacdFeature,
} from '../../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { FeatureStore } from '../../../../runtime/src/features/feature-store.ts';
import { ticksNeeded } from '../../../../runtime/src/features/registry.ts';
import type { Ticks } from '../../../fixtures/ticks/generate.ts';
import { referenceSeries } from './reference.ts';
import { close, feed, INSTRUMENT, runStore, ticksOf } from './run-store.ts';

const RECURSIVE = new Set(['ema', 'rsi', 'macd', 'macdSignal', 'macdHistogram']);
const period = fc.integer({ min: 1, max: 12 });
const feature = (names: readonly FeatureParams['name'][]): fc.Arbitrary<FeatureParams> =>
  fc.constantFrom(...names).chain((name) =>
    isMacdFeature(name)
      ? fc.record<FeatureParams>({
          name: fc.constant(name),
          fast: period,
          slow: period,
          signal: period,
        })
      : fc.record<FeatureParams>({ name: fc.constant(name), window: period }),
  );
const anyFeature = feature(FEATURE_NAMES);
const finiteFeature = feature(FEATURE_NAMES.filter((n) => !RECURSIVE.has(n)));
const recursiveFeature = feature(FEATURE_NAMES.filter((n) => RECURSIVE.has(n)));

// Prices on a coarse grid (many ties, flat windows) or a continuous walk; volumes often 0.
const gridPrices = fc
  .array(fc.integer({ min: -2, max: 2 }), { minLength: 1, maxLength: 60 })
  .map((steps) =>
    steps.map((_, i) => 100 + 0.5 * steps.slice(0, i + 1).reduce((a, b) => a + b, 0)),
  );
// Steps are 0 or at least 1e-4 apart: ulp-sized moves make the z-score ill-conditioned.
const walkPrices = fc
  .array(fc.integer({ min: -500, max: 500 }), { minLength: 1, maxLength: 60 })
  .map((steps) =>
    steps.map((_, i) => 50_000 * Math.exp(1e-4 * steps.slice(0, i + 1).reduce((a, b) => a + b, 0))),
  );
const series: fc.Arbitrary<Ticks> = fc.oneof(gridPrices, walkPrices).chain((price) =>
  fc
    .array(
      fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 10_000 }).map((v) => v / 1000),
      ),
      {
        minLength: price.length,
        maxLength: price.length,
      },
    )
    .map((volume) => ticksOf(price, volume)),
);

const slice = (ticks: Ticks, to: number): Ticks => ({
  ts: ticks.ts.subarray(0, to),
  price: ticks.price.subarray(0, to),
  volume: ticks.volume.subarray(0, to),
});

describe('feature store properties', () => {
  it('agrees with the plain definitions on random series', () => {
    fc.assert(
      fc.property(
        series,
        fc.array(anyFeature, { minLength: 1, maxLength: 4 }),
        (ticks, features) => {
          const actual = runStore(features, ticks);
          for (const f of features) {
            const expected = referenceSeries(f, ticks);
            const got = Array.from(actual.get(featureKey(f)) as Float64Array);
            const bad = got.findIndex((a, t) => !close(a, expected[t] as number));
            expect(bad, `${featureKey(f)} at ${bad}: ${got[bad]} != ${expected[bad]}`).toBe(-1);
          }
        },
      ),
    );
  });

  it('is point-in-time: a value at tick t does not depend on ticks after t', () => {
    fc.assert(
      fc.property(
        series,
        fc.array(anyFeature, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (ticks, features, cut) => {
          const t = cut % ticks.price.length;
          const prefix = runStore(features, slice(ticks, t + 1));
          const whole = runStore(features, ticks);
          for (const [key, values] of prefix) {
            expect(Object.is(values[t], whole.get(key)?.[t]), key).toBe(true);
          }
        },
      ),
    );
  });

  it('a finite-window feature acquired live equals one held from the start, bit for bit', () => {
    // A small history may have dropped ticks before the acquire; the feature is then undefined
    // until the history holds its window, and exact from there on.
    fc.assert(
      fc.property(
        series,
        finiteFeature,
        fc.nat(),
        fc.constantFrom(1, 2, 4, 8, 256),
        (ticks, f, at, capacity) => {
          const n = ticks.price.length;
          const k = at % (n + 1);
          const from = runStore([f], ticks).get(featureKey(f)) as Float64Array;
          const store = new FeatureStore({ minHistoryCapacity: capacity });
          store.addInstrument(INSTRUMENT);
          feed(store, ticks, 0, k);
          const slot = store.acquire(INSTRUMENT, f);
          const need = ticksNeeded(f);
          for (let t = k; t <= n; t++) {
            if (t > k) feed(store, ticks, t - 1, t);
            if (t === 0) continue;
            const live = store.values(INSTRUMENT)[slot] as number;
            const held = store.history(INSTRUMENT)?.length ?? 0;
            expect(Number.isNaN(live)).toBe(held < need);
            if (!Number.isNaN(live)) expect(Object.is(live, from[t - 1])).toBe(true);
          }
        },
      ),
    );
  });

  it('an EMA-family feature acquired live on a full history equals one held from the start', () => {
    fc.assert(
      fc.property(series, recursiveFeature, fc.nat(), (ticks, f, at) => {
        const n = ticks.price.length;
        const k = at % (n + 1);
        const from = runStore([f], ticks).get(featureKey(f)) as Float64Array;
        const store = new FeatureStore();
        store.addInstrument(INSTRUMENT);
        feed(store, ticks, 0, k);
        const slot = store.acquire(INSTRUMENT, f);
        for (let t = Math.max(k, 1); t <= n; t++) {
          if (t > k) feed(store, ticks, t - 1, t);
          expect(Object.is(store.values(INSTRUMENT)[slot], from[t - 1])).toBe(true);
        }
      }),
    );
  });
});
