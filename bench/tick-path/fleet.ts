// The benchmark fleet: 20 instruments, 100 strategies each on 1-5 of them, a handful of linear
// models shared by strategies, some rules-only strategies, mixed priorities. Everything is drawn
// from one seed, so the parent process and every worker build the same fleet.
// Weights are standardized the way a trained logistic regression's are: each feature is divided
// by its spread on a calibration run of the synthetic market, so scores move around 0.5 and
// targets change now and then rather than on every tick.

import { createHash } from 'node:crypto';
import { parseShardConfig } from '../../operator/src/api/shard/parse.ts';
import type {
  ResolvedModel,
  ShardConfig,
  ShardStrategy,
} from '../../operator/src/api/shard/shard-config.ts';
import { type FeatureParams, featureKey } from '../../operator/src/api/v1alpha1/feature-catalog.ts';
import { FeatureStore } from '../../runtime/src/features/feature-store.ts';
import { marketTicks } from '../../runtime/src/feed/market.ts';
import { instrumentRandom } from '../../runtime/src/feed/random.ts';
import { LinearPredictor, StaticPredictors } from '../../runtime/src/strategy/predictor.ts';

export const FLEET_SEED = 20_240_601;
export const STRATEGIES = 100;
export const MODELS = 6;
export const TICKS_START_TS = 1_700_000_000_000;
/**
 * About the sd of a score's log-odds: probabilities mostly within 0.45..0.55, as a weak but
 * real edge gives. With thresholds of 0.6..0.7 about 1 decision in 100 changes a target (the
 * benchmark prints the rate).
 */
const SCORE_SPREAD = 0.2;

export const INSTRUMENTS = [
  ...['BTC-USD', 'ETH-USD', 'SOL-USD', 'XRP-USD', 'ADA-USD', 'DOGE-USD', 'AVAX-USD'],
  ...['LINK-USD', 'DOT-USD', 'LTC-USD', 'AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META'],
  ...['TSLA', 'JPM', 'SPY', 'QQQ'],
];

/** Windows traders actually use, 5..200 ticks; MACD with the classic and a fast setting. */
const WINDOWS: Record<string, number[]> = {
  return: [5, 10, 20, 50, 100],
  sma: [10, 20, 50, 100, 200],
  ema: [5, 9, 12, 20, 26, 50, 100, 200],
  rsi: [7, 14, 21],
  zscore: [20, 50, 100, 200],
  volatility: [10, 20, 50, 100],
  vwap: [20, 50, 100],
  rangePosition: [20, 50, 100, 200],
};
const MACDS = [
  { fast: 12, slow: 26, signal: 9 },
  { fast: 5, slow: 35, signal: 5 },
];

/** Every feature the fleet draws from. */
export const FEATURE_POOL: FeatureParams[] = [
  ...Object.entries(WINDOWS).flatMap(([name, ws]) =>
    ws.map((window) => ({ name, window }) as FeatureParams),
  ),
  ...(['macd', 'macdSignal', 'macdHistogram'] as const).flatMap((name) =>
    MACDS.map((m) => ({ name, ...m })),
  ),
];

/** Uniforms in [0, 1) from the feed's seeded generator: enough to pick a fleet. */
function rng(seed: number): () => number {
  const random = instrumentRandom(seed, 'bench-fleet');
  return () => random.uniform();
}

const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: () => number, xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
function sample<T>(r: () => number, xs: readonly T[], n: number): T[] {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}
/** Standard normal (Box-Muller). */
const normal = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

/** Mean and standard deviation of each pool feature over a calibration run of one market. */
export function calibrate(): Map<string, { mean: number; std: number }> {
  const store = new FeatureStore();
  const slots = FEATURE_POOL.map((f) => [featureKey(f), store.acquire('CAL', f)] as const);
  const sums = new Map(slots.map(([k]) => [k, { n: 0, s: 0, s2: 0 }]));
  const ticks = marketTicks(['CAL'], {
    seed: 7,
    startTs: TICKS_START_TS,
    ticksPerInstrument: 6000,
  });
  for (const t of ticks) {
    store.onTick('CAL', t.ts, t.price, t.volume);
    const values = store.values('CAL');
    for (const [key, slot] of slots) {
      const x = values[slot] as number;
      if (Number.isNaN(x)) continue;
      const acc = sums.get(key) as { n: number; s: number; s2: number };
      acc.n++;
      acc.s += x;
      acc.s2 += x * x;
    }
  }
  const out = new Map<string, { mean: number; std: number }>();
  for (const [key, { n, s, s2 }] of sums) {
    const mean = s / n;
    out.set(key, { mean, std: Math.sqrt(Math.max(s2 / n - mean * mean, 0)) || 1 });
  }
  return out;
}

interface Linear {
  bias: number;
  weights: { feature: string; weight: number }[];
}

/**
 * Logistic weights on standardized features (`spread`: about the sd of the log-odds), each
 * weight clamped to +-maxWeight (rule weights are limited to 1000 by the Strategy schema).
 */
function standardized(
  r: () => number,
  keys: string[],
  stats: Map<string, { mean: number; std: number }>,
  spread: number,
  maxWeight = Number.POSITIVE_INFINITY,
): Linear {
  let bias = 0;
  const weights = keys.map((feature) => {
    const { mean, std } = stats.get(feature) ?? { mean: 0, std: 1 };
    const coef = (normal(r) * spread) / Math.sqrt(keys.length);
    const weight = Math.max(-maxWeight, Math.min(maxWeight, coef / std));
    bias -= weight * mean;
    return { feature, weight };
  });
  return { bias, weights };
}

const digestOf = (name: string) =>
  createHash('sha256').update(`bench-model\0${name}`).digest('hex');

export interface Fleet {
  config: ShardConfig;
  models: ResolvedModel[];
  predictors: StaticPredictors;
  linear: Map<string, LinearPredictor>;
}

/**
 * The fleet of `count` strategies: the first `count` of one seeded draw, so a smaller fleet is a
 * prefix of a larger one.
 */
export function buildFleet(count = STRATEGIES, seed = FLEET_SEED): Fleet {
  const r = rng(seed);
  const stats = calibrate();
  const linear = new Map<string, LinearPredictor>();
  const models: ResolvedModel[] = [];
  for (let m = 0; m < MODELS; m++) {
    const inputs = sample(r, FEATURE_POOL, int(r, 3, 8)).map(featureKey);
    const name = `bench-linear-${m}`;
    const sha256 = digestOf(name);
    const fit = standardized(r, inputs, stats, SCORE_SPREAD);
    linear.set(
      sha256,
      new LinearPredictor(
        sha256,
        fit.weights.map((w) => w.weight),
        fit.bias,
      ),
    );
    models.push({
      name,
      uri: `file:///var/lib/flotilla/models/${name}/model.onnx`,
      sha256,
      inputs,
      outputs: { name: 'probabilities', column: 1, kind: 'probability' },
    });
  }
  const byKey = new Map(FEATURE_POOL.map((f) => [featureKey(f), f]));
  const strategies: ShardStrategy[] = [];
  for (let i = 0; i < Math.max(count, STRATEGIES); i++) {
    const instruments = sample(r, INSTRUMENTS, int(r, 1, 5));
    const model = r() < 0.7 ? pick(r, models) : undefined;
    const keys = new Set(model?.inputs ?? []);
    const extra = model ? int(r, 0, 3) : int(r, 2, 6);
    for (const f of sample(r, FEATURE_POOL, extra)) keys.add(featureKey(f));
    const features = [...keys].map((k) => byKey.get(k) as FeatureParams);
    const hasRules = !model || r() < 0.5;
    const ruleKeys = sample(r, [...keys], Math.min(keys.size, int(r, 1, 4)));
    const rules = hasRules ? standardized(r, ruleKeys, stats, SCORE_SPREAD, 1_000) : undefined;
    const u = r();
    strategies.push({
      name: `s${String(i).padStart(3, '0')}-${model ? 'ml' : 'rules'}`,
      generation: 1,
      instruments,
      features,
      ...(rules ? { rules } : {}),
      decision: {
        threshold: pick(r, [0.6, 0.65, 0.7]),
        blendWeight: model ? (rules ? pick(r, [0.5, 0.7, 0.8]) : 1) : 0,
        direction: pick(r, ['both', 'both', 'both', 'long', 'short'] as const),
        sizing:
          r() < 0.5
            ? { mode: 'fixed', units: int(r, 1, 5), maxPositionUnits: 10 }
            : { mode: 'confidence', units: int(r, 1, 5), maxPositionUnits: 10 },
      },
      warmupTicks: 0,
      priority: u < 0.2 ? 'critical' : u < 0.8 ? 'normal' : 'background',
      budgetMsPerSecond: 50,
      paused: false,
      ...(model ? { model } : {}),
    });
  }
  const config = parseShardConfig(
    JSON.stringify({ version: 1, shard: 0, generation: 1, strategies: strategies.slice(0, count) }),
    'benchmark fleet',
  );
  return { config, models, predictors: new StaticPredictors(linear.values()), linear };
}

/** Fleet shape, for the report. */
export function describeFleet(config: ShardConfig) {
  const byInstrument = new Map<string, Set<string>>();
  let members = 0;
  let featureReads = 0;
  for (const s of config.strategies)
    for (const i of s.instruments) {
      members++;
      featureReads += s.features.length;
      const keys = byInstrument.get(i) ?? new Set();
      for (const f of s.features) keys.add(featureKey(f));
      byInstrument.set(i, keys);
    }
  return {
    strategies: config.strategies.length,
    modelStrategies: config.strategies.filter((s) => s.model).length,
    rulesOnly: config.strategies.filter((s) => !s.model).length,
    instruments: byInstrument.size,
    /** Strategy-instrument pairs: decisions per tick round (one tick on every instrument). */
    members,
    /** Feature values the members read per tick round. */
    featureReads,
    /** Features computed per tick round: each distinct feature of an instrument once. */
    featureUpdates: [...byInstrument.values()].reduce((n, keys) => n + keys.size, 0),
  };
}
