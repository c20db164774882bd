import { describe, expect, it } from 'vitest';
import type { FeatureParams } from '../../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { FeatureStore } from '../../../../runtime/src/features/feature-store.ts';

const sma = (window: number): FeatureParams => ({ name: 'sma', window });
const BTC = 'BTC-USD';
const ETH = 'ETH-USD';

/** A store with the given features of BTC and `ticks` ticks of price 100, 101, ... fed. */
function storeWith(features: FeatureParams[], ticks = 0): FeatureStore {
  const store = new FeatureStore();
  store.addInstrument(BTC);
  for (const f of features) store.acquire(BTC, f);
  for (let i = 0; i < ticks; i++) store.onTick(BTC, i, 100 + i, 1);
  return store;
}

describe('FeatureStore', () => {
  it('computes a feature once per tick however many times it is acquired', () => {
    const store = storeWith([sma(3)]);
    const slot = store.acquire(BTC, sma(3));
    expect(store.acquire(BTC, sma(3))).toBe(slot);
    for (let i = 0; i < 5; i++) store.onTick(BTC, i, 100, 1);
    expect(store.computations).toBe(5);
    expect(store.stats(BTC)?.features).toBe(1);
  });

  it('keeps a feature until its last reference is released, then frees the slot', () => {
    const store = storeWith([sma(2), sma(2)], 3);
    const slot = store.slot(BTC, 'sma_2') as number;
    expect(store.release(BTC, 'sma_2')).toBe(true);
    expect(store.values(BTC)[slot]).toBeCloseTo(101.5 / 102 - 1, 12);
    expect(store.release(BTC, 'sma_2')).toBe(true);
    expect(store.slot(BTC, 'sma_2')).toBeUndefined();
    expect(store.values(BTC)[slot]).toBeNaN();
    expect(store.release(BTC, 'sma_2')).toBe(false);
    expect(store.acquire(BTC, { name: 'ema', window: 2 })).toBe(slot);
  });

  it('warms a feature acquired live from the held history', () => {
    const store = storeWith([], 10);
    const slot = store.acquire(BTC, sma(4));
    expect(store.values(BTC)[slot]).toBeCloseTo(107.5 / 109 - 1, 12);
  });

  it('sizes the history to the largest warm-up + 1, as a power of two, at least 256', () => {
    const store = storeWith([sma(3)]);
    expect(store.stats(BTC)).toMatchObject({ capacity: 256, ticksNeeded: 3 });
    store.acquire(BTC, { name: 'volatility', window: 300 });
    expect(store.stats(BTC)).toMatchObject({ capacity: 512, ticksNeeded: 301 });
    store.acquire(BTC, { name: 'macdSignal', fast: 12, slow: 1000, signal: 24 });
    expect(store.stats(BTC)).toMatchObject({ capacity: 1024, ticksNeeded: 1023 });
    store.release(BTC, 'macdSignal_12_1000_24');
    expect(store.stats(BTC)).toMatchObject({ capacity: 1024, ticksNeeded: 301 });
  });

  it('reports ring utilisation per instrument', () => {
    const store = storeWith([sma(3)], 64);
    store.addInstrument(ETH);
    expect(store.stats(BTC)).toMatchObject({ length: 64, count: 64, utilization: 0.25 });
    expect(store.stats(ETH)).toMatchObject({ length: 0, count: 0, utilization: 0, features: 0 });
  });

  it('keeps instruments apart', () => {
    const store = storeWith([sma(2)], 2);
    const eth = store.acquire(ETH, sma(2));
    store.onTick(ETH, 0, 10, 1);
    store.onTick(ETH, 1, 30, 1);
    expect(store.values(ETH)[eth]).toBeCloseTo(20 / 30 - 1, 12);
    expect(store.values(BTC)[store.slot(BTC, 'sma_2') as number]).toBeCloseTo(100.5 / 101 - 1, 12);
    expect(store.instrumentNames()).toEqual([BTC, ETH]);
  });

  it('drops an instrument with its history and features', () => {
    const store = storeWith([sma(2)], 2);
    expect(store.removeInstrument(BTC)).toBe(true);
    expect(store.removeInstrument(BTC)).toBe(false);
    expect(store.history(BTC)).toBeUndefined();
    expect(store.values(BTC)).toHaveLength(0);
    expect(store.onTick(BTC, 3, 100, 1)).toBe(false);
  });

  it.each([
    ['a zero price', 0, 1, 1],
    ['a negative price', -1, 1, 1],
    ['an infinite price', Number.POSITIVE_INFINITY, 1, 1],
    ['a NaN price', Number.NaN, 1, 1],
    ['a negative volume', 100, -1, 1],
    ['a NaN volume', 100, Number.NaN, 1],
    ['a NaN timestamp', 100, 1, Number.NaN],
  ])('refuses a tick with %s and changes nothing', (_, price, volume, ts) => {
    const store = storeWith([sma(1)], 1);
    expect(store.onTick(BTC, ts, price, volume)).toBe(false);
    expect(store.rejectedTicks).toBe(1);
    expect(store.stats(BTC)).toMatchObject({ count: 1 });
    expect(store.computations).toBe(1);
  });

  it('ignores ticks of instruments it does not keep', () => {
    expect(new FeatureStore().onTick(ETH, 0, 100, 1)).toBe(false);
  });

  it('grows the values array past its first size, keeping values and slots', () => {
    const store = storeWith([], 5);
    const slots = Array.from({ length: 40 }, (_, i) => store.acquire(BTC, sma(i + 1)));
    expect(new Set(slots).size).toBe(40);
    store.onTick(BTC, 5, 105, 1);
    expect(store.values(BTC)[slots[0] as number]).toBe(0);
    expect(store.values(BTC)[slots[39] as number]).toBeNaN();
  });

  it('rejects out-of-range params naming the field, without adding the instrument', () => {
    const store = new FeatureStore();
    expect(() => store.acquire(BTC, sma(0))).toThrow(
      /feature sma: window 0 is not an integer in 1\.\.10000/,
    );
    expect(() => store.acquire(BTC, { name: 'macd', fast: 12, slow: 26 })).toThrow(
      /signal undefined/,
    );
    expect(store.instrumentNames()).toEqual([]);
  });
});
