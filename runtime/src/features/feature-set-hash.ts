// The version of an ordered feature set, as Model.spec.featureSetVersion holds it: a model
// trained on one set of feature implementations must not silently run on another.
import { createHash } from 'node:crypto';
import {
  FEATURE_KEY_PATTERN,
  type FeatureName,
} from '../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { FlotillaError } from '../../../operator/src/errors.ts';
import { FEATURE_VERSIONS } from './registry.ts';

const keyPattern = new RegExp(FEATURE_KEY_PATTERN);

/**
 * First 16 hex digits of sha256 over the ordered lines `<key>@<version>\n`, e.g.
 * `ema_20@1\nrsi_14@1\n`. Order matters (it is the model's input order).
 */
export function featureSetHash(
  keys: readonly string[],
  versions: Readonly<Record<FeatureName, number>> = FEATURE_VERSIONS,
): string {
  const hash = createHash('sha256');
  for (const key of keys) {
    if (!keyPattern.test(key)) {
      throw new FlotillaError(
        'FLT_INVALID_SPEC',
        `feature key ${key} is not a catalog feature key`,
      );
    }
    const name = key.slice(0, key.indexOf('_')) as FeatureName;
    hash.update(`${key}@${versions[name]}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}
