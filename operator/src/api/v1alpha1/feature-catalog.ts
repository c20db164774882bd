// The features a Strategy may declare and a Model may take as inputs. The runtime's feature
// store implements exactly this list; a feature is identified by its key, e.g. `ema_20` or
// `macd_12_26_9`, which is what Model.spec.inputs and Strategy.spec.rules name.

/** Features with one look-back window (in ticks). */
export const WINDOW_FEATURES = [
  'return',
  'sma',
  'ema',
  'rsi',
  'zscore',
  'volatility',
  'vwap',
  'rangePosition',
] as const;

/** Features parameterised by fast, slow and signal EMA periods. */
export const MACD_FEATURES = ['macd', 'macdSignal', 'macdHistogram'] as const;

export const FEATURE_NAMES = [...WINDOW_FEATURES, ...MACD_FEATURES] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export const FEATURE_DESCRIPTIONS: Record<FeatureName, string> = {
  return: 'log return of the price over the window',
  sma: 'simple moving average of the price, relative to the price (sma / price - 1)',
  ema: 'exponential moving average of the price, relative to the price (ema / price - 1)',
  rsi: "Wilder's relative strength index over the window, scaled to [0, 1]",
  zscore: 'z-score of the price against its rolling mean and standard deviation',
  volatility: 'standard deviation of one-tick log returns over the window',
  vwap: 'volume-weighted average price over the window, relative to the price (vwap / price - 1)',
  rangePosition: 'position of the price within the rolling high-low range, in [0, 1]',
  macd: 'MACD line: EMA(fast) - EMA(slow), relative to the price',
  macdSignal: 'EMA(signal) of the MACD line, relative to the price',
  macdHistogram: 'MACD line minus its signal line, relative to the price',
};

export interface FeatureParams {
  name: FeatureName;
  window?: number;
  fast?: number;
  slow?: number;
  signal?: number;
}

export function isMacdFeature(name: FeatureName): name is (typeof MACD_FEATURES)[number] {
  return (MACD_FEATURES as readonly string[]).includes(name);
}

/** The key that names a declared feature: `ema_20`, `macd_12_26_9`. */
export function featureKey(f: FeatureParams): string {
  return isMacdFeature(f.name)
    ? `${f.name}_${f.fast}_${f.slow}_${f.signal}`
    : `${f.name}_${f.window}`;
}

/** Pattern of a valid feature key, for Model inputs and rule weights. */
export const FEATURE_KEY_PATTERN = `^((${WINDOW_FEATURES.join('|')})_[1-9][0-9]*|(${MACD_FEATURES.join('|')})_[1-9][0-9]*_[1-9][0-9]*_[1-9][0-9]*)$`;

// CEL forms of "same feature" and "this key names that feature", kept in step with featureKey
// by property tests. They compare numbers instead of building key strings: the API server's cost
// estimate for string(int) inside nested list macros exceeds its budget by far.
const macdCel = `[${MACD_FEATURES.map((n) => `'${n}'`).join(', ')}]`;
const param = (v: string, field: string) => `(has(${v}.${field}) ? ${v}.${field} : 0)`;

/** CEL: features `a` and `b` have the same key. */
export function sameFeatureCel(a: string, b: string): string {
  const params = ['window', 'fast', 'slow', 'signal'].map(
    (p) => `${param(a, p)} == ${param(b, p)}`,
  );
  return `${a}.name == ${b}.name && ${params.join(' && ')}`;
}

/** CEL: the feature key string `key` (already matching FEATURE_KEY_PATTERN) names feature `f`. */
export function keyNamesFeatureCel(key: string, f: string): string {
  const part = (i: number) => `int(${key}.split('_')[${i}])`;
  const size = `size(${key}.split('_'))`;
  const macd = `${size} == 4 && has(${f}.fast) && has(${f}.slow) && has(${f}.signal) && ${part(1)} == ${f}.fast && ${part(2)} == ${f}.slow && ${part(3)} == ${f}.signal`;
  const windowed = `${size} == 2 && has(${f}.window) && ${part(1)} == ${f}.window`;
  return `${f}.name == ${key}.split('_')[0] && (${f}.name in ${macdCel} ? (${macd}) : (${windowed}))`;
}
