import { describe, expect, it } from 'vitest';
import {
  type FeatureParams,
  featureKey,
  WINDOW_FEATURES,
} from '../../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { cryptoTicks, equityTicks, type Ticks } from '../../../fixtures/ticks/generate.ts';
import { referenceSeries, windowFeatureAt } from './reference.ts';
import { close, runStore } from './run-store.ts';

/** Features of the last N ticks only (EMA and RSI are recursions). */
const FINITE = WINDOW_FEATURES.filter((name) => name !== 'ema' && name !== 'rsi');
const windowed = (windows: number[]): FeatureParams[] =>
  FINITE.flatMap((name) => windows.map((window) => ({ name, window })));
const macd = (fast: number, slow: number, signal: number): FeatureParams[] =>
  (['macd', 'macdSignal', 'macdHistogram'] as const).map((name) => ({ name, fast, slow, signal }));

/** Ticks where the store and the reference disagree, as `key@tick: actual != expected`. */
function mismatches(
  features: FeatureParams[],
  ticks: Ticks,
  expected: (f: FeatureParams) => (t: number) => number,
  at: number[],
): string[] {
  const actual = runStore(features, ticks);
  const out: string[] = [];
  for (const f of features) {
    const series = actual.get(featureKey(f)) as Float64Array;
    const ref = expected(f);
    for (const t of at) {
      const [a, e] = [series[t] as number, ref(t)];
      if (!close(a, e)) out.push(`${featureKey(f)}@${t}: ${a} != ${e}`);
    }
  }
  return out;
}

const everyTick = (n: number) => Array.from({ length: n }, (_, t) => t);
const whole = (ticks: Ticks) => (f: FeatureParams) => {
  const series = referenceSeries(f, ticks);
  return (t: number) => series[t] as number;
};

describe.each([
  ['equity ~100', equityTicks()],
  ['crypto ~50000', cryptoTicks()],
])('golden values on %s fixture ticks', (_, ticks) => {
  it('holds flat and volume-less stretches of 20 ticks (the 0 / 0.5 branches)', () => {
    const values = runStore(windowed([20]), ticks);
    expect((values.get('zscore_20') as Float64Array).filter((z) => z === 0).length).toBeGreaterThan(
      0,
    );
    expect((values.get('vwap_20') as Float64Array).filter((v) => v === 0).length).toBeGreaterThan(
      0,
    );
  });

  it('window features agree with recomputing each window, windows 1 to 2500', () => {
    const features = windowed([1, 2, 14, 20, 333, 2500]);
    expect(mismatches(features, ticks, whole(ticks), everyTick(ticks.price.length))).toEqual([]);
  });

  it('EMA-family features agree with their plain recursion', () => {
    const features: FeatureParams[] = [
      ...[1, 2, 20, 500].flatMap((window): FeatureParams[] => [
        { name: 'ema', window },
        { name: 'rsi', window },
      ]),
      ...macd(12, 26, 9),
      ...macd(1, 1, 1),
      ...macd(30, 5, 200),
    ];
    expect(mismatches(features, ticks, whole(ticks), everyTick(ticks.price.length))).toEqual([]);
  });
});

describe('a long run at ~50000 does not drift', () => {
  // 200k ticks; windows are checked from scratch at sampled ticks.
  const n = 200_000;
  const ticks = cryptoTicks(n, 3);
  const sampled = [...everyTick(60).map((t) => n - 1 - t), ...everyTick(200).map((t) => t * 997)];

  it('window features up to 10000 ticks', () => {
    const features = windowed([1, 20, 1000, 10_000]);
    const expected = (f: FeatureParams) => (t: number) => windowFeatureAt(f, ticks, t);
    expect(mismatches(features, ticks, expected, sampled)).toEqual([]);
  }, 60_000);

  it('EMA-family features', () => {
    const features: FeatureParams[] = [
      { name: 'ema', window: 10_000 },
      { name: 'rsi', window: 14 },
      { name: 'rsi', window: 10_000 },
      ...macd(12, 26, 9),
    ];
    expect(mismatches(features, ticks, whole(ticks), sampled)).toEqual([]);
  }, 60_000);
});
