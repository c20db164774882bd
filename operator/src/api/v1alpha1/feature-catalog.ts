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

/** The same key computed in CEL for a feature variable `v` (kept in step with featureKey). */
export function featureKeyCel(v: string): string {
  const macd = `[${MACD_FEATURES.map((n) => `'${n}'`).join(', ')}]`;
  const p = (field: string) => `(has(${v}.${field}) ? string(${v}.${field}) : '')`;
  return `${v}.name + '_' + (${v}.name in ${macd} ? ${p('fast')} + '_' + ${p('slow')} + '_' + ${p('signal')} : ${p('window')})`;
}
