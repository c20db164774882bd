// Every feature of the catalog with its implementation version, warm-up and constructor.
import {
  type FeatureName,
  type FeatureParams,
  isMacdFeature,
} from '../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { FlotillaError } from '../../../operator/src/errors.ts';
import { SMA, VWAP } from './averages.ts';
import { EMA } from './ema.ts';
import type { Feature, MacdFamily, WindowFamily } from './feature.ts';
import { MACD, MACD_HISTOGRAM, MACD_SIGNAL } from './macd.ts';
import { RANGE_POSITION, ZSCORE } from './position.ts';
import { RETURN, VOLATILITY } from './returns.ts';
import { RSI } from './rsi.ts';

/** Smallest and largest window or period a feature accepts, as the CRDs allow. */
export const MIN_PERIOD = 1;
export const MAX_PERIOD = 10_000;

const FAMILIES: Record<FeatureName, WindowFamily | MacdFamily> = {
  return: RETURN,
  sma: SMA,
  ema: EMA,
  rsi: RSI,
  zscore: ZSCORE,
  volatility: VOLATILITY,
  vwap: VWAP,
  rangePosition: RANGE_POSITION,
  macd: MACD,
  macdSignal: MACD_SIGNAL,
  macdHistogram: MACD_HISTOGRAM,
};

/** Implementation version of each feature; part of the feature-set hash. */
export const FEATURE_VERSIONS: Readonly<Record<FeatureName, number>> = Object.freeze(
  Object.fromEntries(Object.entries(FAMILIES).map(([name, f]) => [name, f.version])) as Record<
    FeatureName,
    number
  >,
);

function period(p: FeatureParams, field: 'window' | 'fast' | 'slow' | 'signal'): number {
  const v = p[field];
  if (v === undefined || !Number.isInteger(v) || v < MIN_PERIOD || v > MAX_PERIOD) {
    throw new FlotillaError(
      'FLT_INVALID_SPEC',
      `feature ${p.name}: ${field} ${v} is not an integer in ${MIN_PERIOD}..${MAX_PERIOD}`,
    );
  }
  return v;
}

function family(p: FeatureParams): WindowFamily | MacdFamily {
  const f = Object.hasOwn(FAMILIES, p.name) ? FAMILIES[p.name] : undefined;
  if (f === undefined) {
    throw new FlotillaError('FLT_INVALID_SPEC', `feature name ${p.name} is not in the catalog`);
  }
  return f;
}

/** Ticks of history before the feature's value is defined (NaN until then). */
export function ticksNeeded(p: FeatureParams): number {
  const f = family(p);
  return isMacdFeature(p.name)
    ? (f as MacdFamily).ticksNeeded(period(p, 'fast'), period(p, 'slow'), period(p, 'signal'))
    : (f as WindowFamily).ticksNeeded(period(p, 'window'));
}

/** A new, empty feature; throws FLT_INVALID_SPEC naming the field when params are out of range. */
export function createFeature(p: FeatureParams): Feature {
  const f = family(p);
  return isMacdFeature(p.name)
    ? (f as MacdFamily).create(period(p, 'fast'), period(p, 'slow'), period(p, 'signal'))
    : (f as WindowFamily).create(period(p, 'window'));
}
