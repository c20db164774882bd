import { describe, expect, it } from 'vitest';
import type { FeatureParams } from '../../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { runStore, ticksOf } from './run-store.ts';

const NaN_ = Number.NaN;
const w = (name: FeatureParams['name'], window: number): FeatureParams => ({ name, window });
const m = (name: FeatureParams['name'], fast: number, slow: number, signal: number) =>
  ({ name, fast, slow, signal }) as FeatureParams;

// Values worked out by hand from docs/reference/features.md; one row per feature and series.
describe('feature values on tiny series', () => {
  it.each<[string, FeatureParams, number[], number[] | undefined, number[]]>([
    [
      'return over 2 ticks',
      w('return', 2),
      [100, 110, 121],
      undefined,
      [NaN_, NaN_, Math.log(1.21)],
    ],
    ['return over 1 tick', w('return', 1), [100, 50], undefined, [NaN_, Math.log(0.5)]],
    ['sma of 3', w('sma', 3), [1, 2, 3, 6], undefined, [NaN_, NaN_, 2 / 3 - 1, 11 / 18 - 1]],
    ['sma of 1 is always 0', w('sma', 1), [5, 7], undefined, [0, 0]],
    // alpha = 2/3, seeded with (1+2)/2 = 1.5 at tick 2, then 1.5 + 2/3 (4 - 1.5) = 19/6.
    ['ema of 2', w('ema', 2), [1, 2, 4], undefined, [NaN_, 1.5 / 2 - 1, 19 / 6 / 4 - 1]],
    // changes +1 -1 +1 +1: gains 3/4, losses 1/4; then -1: gain 9/16, loss 7/16.
    [
      'rsi of 4',
      w('rsi', 4),
      [1, 2, 1, 2, 3, 2],
      undefined,
      [NaN_, NaN_, NaN_, NaN_, 0.75, 9 / 16],
    ],
    ['rsi without changes is 0.5', w('rsi', 2), [3, 3, 3], undefined, [NaN_, NaN_, 0.5]],
    ['rsi of only losses is 0', w('rsi', 1), [3, 2, 1], undefined, [NaN_, 0, 0]],
    // mean 2, population std sqrt(2/3).
    ['zscore of 3', w('zscore', 3), [1, 2, 3], undefined, [NaN_, NaN_, 1 / Math.sqrt(2 / 3)]],
    ['zscore of a flat window is 0', w('zscore', 2), [4, 4, 4], undefined, [NaN_, 0, 0]],
    ['zscore of 1 is 0', w('zscore', 1), [4, 5], undefined, [0, 0]],
    // returns +1 and -1: mean 0, population std 1.
    ['volatility of 2', w('volatility', 2), [1, Math.E, 1], undefined, [NaN_, NaN_, 1]],
    ['volatility of 1 is 0', w('volatility', 1), [1, 2, 3], undefined, [NaN_, 0, 0]],
    // (10*1 + 20*3) / 4 = 17.5 against 20.
    ['vwap of 2', w('vwap', 2), [10, 20], [1, 3], [NaN_, 17.5 / 20 - 1]],
    ['vwap without volume is 0', w('vwap', 2), [10, 20, 30], [1, 0, 0], [NaN_, 10 / 20 - 1, 0]],
    ['rangePosition of 3', w('rangePosition', 3), [1, 3, 2, 3], undefined, [NaN_, NaN_, 0.5, 1]],
    [
      'rangePosition of a flat window is 0.5',
      w('rangePosition', 2),
      [5, 5],
      undefined,
      [NaN_, 0.5],
    ],
    // EMA1 = p; EMA2: 1.5 then 19/6; raw 0.5 then 5/6.
    ['macd 1/2/1', m('macd', 1, 2, 1), [1, 2, 4], undefined, [NaN_, 0.25, 5 / 6 / 4]],
    ['macdSignal 1/2/2', m('macdSignal', 1, 2, 2), [1, 2, 4], undefined, [NaN_, NaN_, 2 / 3 / 4]],
    [
      'macdHistogram 1/2/2',
      m('macdHistogram', 1, 2, 2),
      [1, 2, 4],
      undefined,
      [NaN_, NaN_, (5 / 6 - 2 / 3) / 4],
    ],
    ['macdHistogram 1/2/1 is 0', m('macdHistogram', 1, 2, 1), [1, 2, 4], undefined, [NaN_, 0, 0]],
  ])('%s', (_, feature, price, volume, expected) => {
    const [values] = runStore([feature], ticksOf(price, volume)).values();
    expect(Array.from(values as Float64Array)).toEqual(
      expected.map((x) => (Number.isNaN(x) ? x : expect.closeTo(x, 12))),
    );
  });
});
