import { run } from '@bufbuild/cel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FEATURE_KEY_PATTERN,
  FEATURE_NAMES,
  type FeatureParams,
  featureKey,
  featureKeyCel,
  isMacdFeature,
} from '../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { FeatureSpec } from '../../../operator/src/api/v1alpha1/strategy.ts';
import { toCel } from '../../../operator/src/api/validation/cel.ts';
import { asNode } from '../../../operator/src/api/validation/schema-node.ts';

const period = fc.integer({ min: 1, max: 10_000 });
const feature: fc.Arbitrary<FeatureParams> = fc.constantFrom(...FEATURE_NAMES).chain((name) =>
  isMacdFeature(name)
    ? fc.record<FeatureParams>({
        name: fc.constant(name),
        fast: period,
        slow: period,
        signal: period,
      })
    : fc.record<FeatureParams>({ name: fc.constant(name), window: period }),
);

describe('feature keys', () => {
  it('are computed the same in TypeScript and in the CRD CEL rules', () => {
    fc.assert(
      fc.property(feature, (f) => {
        expect(run(featureKeyCel('f'), { f: toCel(f, asNode(FeatureSpec)) } as never)).toBe(
          featureKey(f),
        );
      }),
    );
  });

  it('always match the key pattern that Model inputs must follow', () => {
    const re = new RegExp(FEATURE_KEY_PATTERN);
    fc.assert(fc.property(feature, (f) => re.test(featureKey(f))));
  });

  it.each([
    [{ name: 'ema', window: 20 }, 'ema_20'],
    [{ name: 'macd', fast: 12, slow: 26, signal: 9 }, 'macd_12_26_9'],
    [{ name: 'rangePosition', window: 50 }, 'rangePosition_50'],
  ] as const)('%o is %s', (f, key) => {
    expect(featureKey(f)).toBe(key);
  });

  it.each(['ema', 'ema_0', 'ema_20_1', 'macd_12', 'foo_3', 'EMA_20'])(
    'rejects %s as a key',
    (key) => {
      expect(new RegExp(FEATURE_KEY_PATTERN).test(key)).toBe(false);
    },
  );
});
