import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { featureSetHash } from '../../../../runtime/src/features/feature-set-hash.ts';
import { FEATURE_VERSIONS } from '../../../../runtime/src/features/registry.ts';

const KEYS = ['ema_20', 'rsi_14', 'macd_12_26_9', 'vwap_50'];
const key = fc.oneof(
  fc
    .tuple(fc.constantFrom('sma', 'ema', 'rsi', 'zscore'), fc.integer({ min: 1, max: 10_000 }))
    .map(([n, w]) => `${n}_${w}`),
  fc
    .tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 99 }))
    .map(([f, s]) => `macd_${f}_${s}_9`),
);

describe('featureSetHash', () => {
  it('is 16 hex digits of sha256 over `<key>@<version>` lines', () => {
    const expected = createHash('sha256').update('ema_20@1\nrsi_14@1\nmacd_12_26_9@1\nvwap_50@1\n');
    expect(featureSetHash(KEYS)).toBe(expected.digest('hex').slice(0, 16));
    expect(featureSetHash(KEYS)).toMatch(/^[a-f0-9]{16}$/);
  });

  it('pins the value for a known set (docs/reference/features.md shows it)', () => {
    // Changing the hash format orphans every trained model: change this only on purpose.
    expect(featureSetHash(['ema_20', 'rsi_14'])).toBe('32f61d4e17288486');
  });

  it('is stable across calls and sensitive to order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 2, maxLength: 6 }), (keys) => {
        expect(featureSetHash(keys)).toBe(featureSetHash([...keys]));
        expect(featureSetHash([...keys].reverse())).not.toBe(featureSetHash(keys));
      }),
    );
  });

  it('changes when an implementation version changes', () => {
    const bumped = { ...FEATURE_VERSIONS, rsi: FEATURE_VERSIONS.rsi + 1 };
    expect(featureSetHash(KEYS, bumped)).not.toBe(featureSetHash(KEYS));
    expect(featureSetHash(['ema_20'], bumped)).toBe(featureSetHash(['ema_20']));
  });

  it.each(['ema', 'ema_0', 'ema_20_3', 'macd_12_26', 'price_5', 'EMA_20', ''])(
    'refuses the key %j',
    (k) => {
      expect(() => featureSetHash([k])).toThrow(/is not a catalog feature key/);
    },
  );
});
