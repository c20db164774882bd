import { run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FEATURE_KEY_PATTERN,
  FEATURE_NAMES,
  type FeatureParams,
  featureKey,
  isMacdFeature,
  keyNamesFeatureCel,
  sameFeatureCel,
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
  const cel = (expr: string, vars: Record<string, unknown>) =>
    run(expr, vars as never, { funcs: strings });
  const asCel = (f: FeatureParams) => toCel(f, asNode(FeatureSpec));
  // Pairs that are often equal: the second is either the first or another random feature.
  const pair = feature.chain((a) =>
    fc.tuple(fc.constant(a), fc.oneof(fc.constant({ ...a }), feature)),
  );

  it('CEL sameFeature agrees with comparing keys', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(cel(sameFeatureCel('a', 'b'), { a: asCel(a), b: asCel(b) })).toBe(
          featureKey(a) === featureKey(b),
        );
      }),
    );
  });

  it('CEL keyNamesFeature agrees with comparing keys', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(cel(keyNamesFeatureCel('key', 'f'), { key: featureKey(a), f: asCel(b) })).toBe(
          featureKey(a) === featureKey(b),
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
