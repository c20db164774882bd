// The naive baseline the runner is measured against: what a strategy written on its own looks
// like. Each strategy keeps its own copy of every instrument's prices and volumes, recomputes
// each of its features over the window from that copy on every tick (no sharing between
// strategies, no incremental state; EMA, RSI and MACD are re-run over 4x their period), and
// scores one row per call to its model. Same decode, post-processing, decision ids and edge-
// triggered targets as the runner, so it commits the same kind of batch. Not product code.
import type { ShardConfig, ShardStrategy } from '../../operator/src/api/shard/shard-config.ts';
import { type FeatureParams, featureKey } from '../../operator/src/api/v1alpha1/feature-catalog.ts';
import { featureSetHash } from '../../runtime/src/features/feature-set-hash.ts';
import { ticksNeeded } from '../../runtime/src/features/registry.ts';
import { entryId as idOf, type TickBatch } from '../../runtime/src/ingest/tick-batch.ts';
import { decisionId } from '../../runtime/src/strategy/decision-id.ts';
import { type BatchResult, emptyBatchResult } from '../../runtime/src/strategy/executor.ts';
import type { Predictor, PredictorProvider } from '../../runtime/src/strategy/predictor.ts';
import { blendScores, logistic } from '../../runtime/src/strategy/scores.ts';
import { FLAT, sameTarget, type Target, targetFor } from '../../runtime/src/strategy/target.ts';

/** A strategy's own copy of one instrument's ticks, oldest first. */
interface Series {
  prices: number[];
  volumes: number[];
  target: Target;
}

type FeatureFn = (p: number[], v: number[]) => number;

/** How far back EMA-like features are re-run, in periods (older prices weigh under e^-8). */
const RECURSION_SPAN = 4;

function mean(p: number[], n: number): number {
  let s = 0;
  for (let i = p.length - n; i < p.length; i++) s += p[i] as number;
  return s / n;
}

/** EMA over the last `span` values of `xs`, seeded with the SMA of the first `period` of them. */
function emaOver(xs: number[], period: number, span: number): number {
  const start = Math.max(0, xs.length - span);
  if (xs.length - start < period) return Number.NaN;
  let e = 0;
  for (let i = start; i < start + period; i++) e += xs[i] as number;
  e /= period;
  const alpha = 2 / (period + 1);
  for (let i = start + period; i < xs.length; i++) e += alpha * ((xs[i] as number) - e);
  return e;
}

/** The EMA series (NaN until seeded) of the last `span` values. */
function emaSeries(xs: number[], period: number, span: number): number[] {
  const start = Math.max(0, xs.length - span);
  const out: number[] = [];
  let e = Number.NaN;
  let sum = 0;
  const alpha = 2 / (period + 1);
  for (let i = start; i < xs.length; i++) {
    const x = xs[i] as number;
    const k = i - start;
    if (k < period) {
      sum += x;
      if (k === period - 1) e = sum / period;
    } else e += alpha * (x - e);
    out.push(e);
  }
  return out;
}

function featureFn(f: FeatureParams): FeatureFn {
  const n = f.window ?? 0;
  switch (f.name) {
    case 'return':
      return (p) => Math.log((p[p.length - 1] as number) / (p[p.length - 1 - n] as number));
    case 'sma':
      return (p) => mean(p, n) / (p[p.length - 1] as number) - 1;
    case 'ema':
      return (p) => emaOver(p, n, RECURSION_SPAN * n) / (p[p.length - 1] as number) - 1;
    case 'zscore':
      return (p) => {
        const m = mean(p, n);
        let v = 0;
        for (let i = p.length - n; i < p.length; i++) v += ((p[i] as number) - m) ** 2;
        const std = Math.sqrt(v / n);
        return std === 0 ? 0 : ((p[p.length - 1] as number) - m) / std;
      };
    case 'volatility':
      return (p) => {
        const r: number[] = [];
        for (let i = p.length - n; i < p.length; i++)
          r.push(Math.log((p[i] as number) / (p[i - 1] as number)));
        const m = mean(r, n);
        let v = 0;
        for (const x of r) v += (x - m) ** 2;
        return Math.sqrt(v / n);
      };
    case 'vwap':
      return (p, vol) => {
        let pv = 0;
        let sv = 0;
        for (let i = p.length - n; i < p.length; i++) {
          pv += (p[i] as number) * (vol[i] as number);
          sv += vol[i] as number;
        }
        return sv === 0 ? 0 : pv / sv / (p[p.length - 1] as number) - 1;
      };
    case 'rangePosition':
      return (p) => {
        const w = p.slice(p.length - n);
        const lo = Math.min(...w);
        const hi = Math.max(...w);
        return hi === lo ? 0.5 : ((p[p.length - 1] as number) - lo) / (hi - lo);
      };
    case 'rsi':
      return (p) => {
        const start = Math.max(1, p.length - RECURSION_SPAN * n);
        let gain = 0;
        let loss = 0;
        let seen = 0;
        for (let i = start; i < p.length; i++) {
          const c = (p[i] as number) - (p[i - 1] as number);
          const up = Math.max(c, 0);
          const down = Math.max(-c, 0);
          if (seen < n) {
            gain += up;
            loss += down;
            if (++seen === n) {
              gain /= n;
              loss /= n;
            }
          } else {
            gain = (gain * (n - 1) + up) / n;
            loss = (loss * (n - 1) + down) / n;
          }
        }
        if (seen < n) return Number.NaN;
        return gain + loss === 0 ? 0.5 : gain / (gain + loss);
      };
    default: {
      const fast = f.fast ?? 0;
      const slow = f.slow ?? 0;
      const signal = f.signal ?? 0;
      const span = RECURSION_SPAN * Math.max(fast, slow) + signal;
      return (p) => {
        const fs = emaSeries(p, fast, span);
        const ss = emaSeries(p, slow, span);
        const raw: number[] = [];
        for (let i = 0; i < fs.length; i++) {
          const x = (fs[i] as number) - (ss[i] as number);
          if (!Number.isNaN(x)) raw.push(x);
        }
        const price = p[p.length - 1] as number;
        const line = raw[raw.length - 1] as number;
        if (f.name === 'macd') return line / price;
        const sig = emaOver(raw, signal, raw.length);
        return f.name === 'macdSignal' ? sig / price : (line - sig) / price;
      };
    }
  }
}

class NaiveStrategy {
  readonly config: ShardStrategy;
  readonly keys: string[];
  readonly featureSet: string;
  readonly features: FeatureFn[];
  readonly needed: number;
  /** Prices a copy keeps: enough for the longest feature and its re-run span. */
  readonly keep: number;
  readonly series = new Map<string, Series>();
  readonly predictor: Predictor | undefined;
  readonly modelIndex: number[];
  readonly ruleIndex: number[];
  readonly ruleWeights: number[];
  readonly row: Float32Array;

  constructor(config: ShardStrategy, predictors: PredictorProvider) {
    this.config = config;
    this.keys = config.features.map(featureKey);
    this.featureSet = featureSetHash(this.keys);
    this.features = config.features.map(featureFn);
    this.needed = Math.max(...config.features.map(ticksNeeded));
    const span = (f: FeatureParams) =>
      f.window === undefined
        ? RECURSION_SPAN * Math.max(f.fast ?? 0, f.slow ?? 0) + (f.signal ?? 0)
        : RECURSION_SPAN * f.window + 1;
    this.keep = Math.max(this.needed, ...config.features.map(span));
    this.predictor = config.model ? predictors.get(config.model) : undefined;
    this.modelIndex = (config.model?.inputs ?? []).map((k) => this.keys.indexOf(k));
    this.ruleIndex = (config.rules?.weights ?? []).map((w) => this.keys.indexOf(w.feature));
    this.ruleWeights = (config.rules?.weights ?? []).map((w) => w.weight);
    this.row = new Float32Array(this.modelIndex.length);
    for (const instrument of config.instruments)
      this.series.set(instrument, { prices: [], volumes: [], target: FLAT });
  }
}

/** The naive strategies of a shard config, one tick at a time, strategy by strategy. */
export class NaiveExecutor {
  readonly #byInstrument = new Map<string, NaiveStrategy[]>();

  constructor(config: ShardConfig, predictors: PredictorProvider) {
    for (const s of config.strategies) {
      const naive = new NaiveStrategy(s, predictors);
      for (const i of s.instruments) {
        const list = this.#byInstrument.get(i) ?? [];
        list.push(naive);
        this.#byInstrument.set(i, list);
      }
    }
  }

  get instruments(): string[] {
    return [...this.#byInstrument.keys()];
  }

  process(batches: TickBatch[]): BatchResult {
    const result = emptyBatchResult();
    for (const batch of batches) {
      const strategies = this.#byInstrument.get(batch.instrument) ?? [];
      let nextRejected = 0;
      for (let t = 0; t < batch.length; t++) {
        if (batch.rejected[nextRejected]?.index === t) {
          nextRejected++;
          continue;
        }
        const tick = {
          ts: batch.ts[t] as number,
          price: batch.price[t] as number,
          volume: batch.volume[t] as number,
          cid: batch.cids[t] as string,
        };
        result.ticks++;
        for (const s of strategies) {
          const series = s.series.get(batch.instrument) as Series;
          series.prices.push(tick.price);
          series.volumes.push(tick.volume);
          if (series.prices.length > 2 * s.keep) {
            series.prices = series.prices.slice(-s.keep);
            series.volumes = series.volumes.slice(-s.keep);
          }
          if (series.prices.length < s.needed) continue;
          const values = s.features.map((f) => f(series.prices, series.volumes));
          result.featureReads += values.length;
          result.featureComputations += values.length;
          let z = s.config.rules?.bias ?? 0;
          for (let i = 0; i < s.ruleIndex.length; i++)
            z += (s.ruleWeights[i] as number) * (values[s.ruleIndex[i] as number] as number);
          const rule = s.config.rules ? logistic(z) : Number.NaN;
          let ml = Number.NaN;
          if (s.predictor) {
            for (let c = 0; c < s.row.length; c++)
              s.row[c] = values[s.modelIndex[c] as number] as number;
            ml = (s.predictor.score(s.row, 1) as Float64Array)[0] as number;
          }
          const score = blendScores(rule, ml, s.config.decision.blendWeight);
          const target = targetFor(score, s.config.decision);
          result.decisions++;
          if (sameTarget(target, series.target)) continue;
          series.target = target;
          const modelDigest = Number.isNaN(ml) ? '' : (s.predictor?.digest ?? '');
          const entryId = idOf(batch, t);
          result.signals.push({
            decisionId: decisionId(batch.stream, entryId, s.config.name, modelDigest),
            strategy: s.config.name,
            generation: s.config.generation,
            instrument: batch.instrument,
            stream: batch.stream,
            entryId,
            tickIndex: t,
            entryMs: batch.entryMs[t] as number,
            tickTs: tick.ts,
            cid: tick.cid,
            target,
            score,
            ruleScore: rule,
            mlScore: ml,
            modelDigest,
            featureSet: s.featureSet,
          });
        }
      }
    }
    return result;
  }
}
