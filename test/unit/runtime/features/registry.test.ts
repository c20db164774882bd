import { describe, expect, it } from 'vitest';
import {
  FEATURE_NAMES,
  type FeatureParams,
} from '../../../../operator/src/api/v1alpha1/feature-catalog.ts';
import {
  createFeature,
  FEATURE_VERSIONS,
  ticksNeeded,
} from '../../../../runtime/src/features/registry.ts';

const w = (name: FeatureParams['name'], window: number): FeatureParams => ({ name, window });
const m = (name: FeatureParams['name'], fast: number, slow: number, signal: number) =>
  ({ name, fast, slow, signal }) as FeatureParams;

describe('feature registry', () => {
  it('has an integer implementation version for every catalog feature', () => {
    expect(Object.keys(FEATURE_VERSIONS).sort()).toEqual([...FEATURE_NAMES].sort());
    for (const v of Object.values(FEATURE_VERSIONS))
      expect(Number.isInteger(v) && v >= 1).toBe(true);
    expect(Object.isFrozen(FEATURE_VERSIONS)).toBe(true);
  });

  it.each<[FeatureParams, number]>([
    [w('return', 10), 11],
    [w('sma', 10), 10],
    [w('ema', 10), 10],
    [w('rsi', 14), 15],
    [w('zscore', 1), 1],
    [w('volatility', 20), 21],
    [w('vwap', 10_000), 10_000],
    [w('rangePosition', 5), 5],
    [m('macd', 12, 26, 9), 26],
    [m('macdSignal', 12, 26, 9), 34],
    [m('macdHistogram', 12, 26, 9), 34],
    [m('macd', 30, 5, 1), 30],
    [m('macdSignal', 1, 1, 1), 1],
  ])('%o needs %i ticks', (f, need) => {
    expect(ticksNeeded(f)).toBe(need);
  });

  it.each<[FeatureParams, RegExp]>([
    [w('sma', 0), /feature sma: window 0 is not an integer in 1\.\.10000/],
    [w('sma', 10_001), /window 10001/],
    [w('ema', 2.5), /window 2.5/],
    [{ name: 'rsi' }, /window undefined/],
    [m('macd', 12, 26, 0), /feature macd: signal 0/],
    [
      { name: 'bogus' as FeatureParams['name'], window: 3 },
      /feature name bogus is not in the catalog/,
    ],
    [{ name: 'toString' as FeatureParams['name'], window: 3 }, /not in the catalog/],
  ])('refuses %o', (f, message) => {
    expect(() => createFeature(f)).toThrow(message);
    expect(() => ticksNeeded(f)).toThrow(message);
  });
});
