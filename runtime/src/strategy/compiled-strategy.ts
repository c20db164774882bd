// A strategy as the hot path runs it: feature slots resolved per instrument, rule weights in
// typed arrays, counters and fault state alongside. Built once per config change.
import type { ShardStrategy } from '../../../operator/src/api/shard/shard-config.ts';
import { featureKey } from '../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { featureSetHash } from '../features/feature-set-hash.ts';
import { CostMeter } from './overload.ts';
import { freshQuarantine, type QuarantineState } from './quarantine.ts';
import { ruleScore } from './scores.ts';
import { FLAT, type Target, targetFor } from './target.ts';

export interface StrategyCounters {
  decisions: number;
  signals: number;
  errors: number;
  drops: number;
  fallbacks: number;
}

/** The part of a strategy a test or plugin may replace: scoring stages of one evaluation. */
export interface StrategyStages {
  /** Rule score from the instrument's feature values (NaN when the strategy has no rules). */
  ruleScore(values: Float64Array, member: Member): number;
  /** Final score -> target position (the post-processor). */
  target(finalScore: number): Target;
}

export class CompiledStrategy implements StrategyStages {
  readonly config: ShardStrategy;
  readonly name: string;
  readonly keys: string[];
  /** Feature-set hash of the declared features (what the decision records carry). */
  readonly featureSet: string;
  readonly modelDigest: string;
  readonly counters: StrategyCounters = {
    decisions: 0,
    signals: 0,
    errors: 0,
    drops: 0,
    fallbacks: 0,
  };
  /** The decision's blend weight (config.decision.blendWeight). */
  readonly blendWeight: number;
  quarantine: QuarantineState = freshQuarantine();
  readonly cost = new CostMeter();
  readonly #ruleWeights: Float64Array;
  readonly #ruleIndex: Int32Array;
  /** Copied from the config: the tick loop reads them without walking the config object. */
  readonly hasRules: boolean;
  readonly ruleBias: number;
  /** Scores strictly between these are flat whatever the direction and sizing. */
  readonly #flatAbove: number;
  readonly #flatBelow: number;

  constructor(config: ShardStrategy) {
    this.config = config;
    this.name = config.name;
    this.keys = config.features.map(featureKey);
    this.featureSet = featureSetHash(this.keys);
    this.modelDigest = config.model?.sha256 ?? '';
    const weights = config.rules?.weights ?? [];
    this.#ruleWeights = Float64Array.from(weights.map((w) => w.weight));
    this.#ruleIndex = Int32Array.from(weights.map((w) => this.keys.indexOf(w.feature)));
    this.hasRules = config.rules !== undefined;
    this.ruleBias = config.rules?.bias ?? 0;
    this.blendWeight = config.decision.blendWeight;
    this.#flatAbove = 1 - config.decision.threshold;
    this.#flatBelow = config.decision.threshold;
  }

  /** Indexes into the strategy's own feature list, for a member to map to store slots. */
  get ruleFeatureIndex(): Int32Array {
    return this.#ruleIndex;
  }

  get ruleWeights(): Float64Array {
    return this.#ruleWeights;
  }

  ruleScore(values: Float64Array, member: Member): number {
    if (!this.hasRules) return Number.NaN;
    return ruleScore(this.ruleBias, this.#ruleWeights, member.ruleSlots, values);
  }

  target(finalScore: number): Target {
    // Most scores sit between the thresholds: flat, as targetFor says, without reading the config.
    if (finalScore > this.#flatAbove && finalScore < this.#flatBelow) return FLAT;
    return targetFor(finalScore, this.config.decision);
  }
}

/** One strategy on one instrument: where its features sit in that instrument's store. */
export interface Member {
  strategy: CompiledStrategy;
  stages: StrategyStages;
  instrument: string;
  /** Store slots of the rule weights' features, in weight order. */
  ruleSlots: Int32Array;
  /**
   * Store slots of the model inputs, in model input order (empty without a model). Members of
   * one model on one instrument share the array: their rows on a tick are the same row.
   */
  modelSlots: Int32Array;
  /** Ticks of history needed before scoring: max(warmupTicks, longest feature need). */
  warmup: number;
  /** Last target sent for this strategy on this instrument (signals are sent on change). */
  target: Target;
  /** Features the strategy reads per evaluation. */
  featureCount: number;
  /** Store slots of the strategy's declared features, in declaration order (decision records). */
  featureSlots: Int32Array;
  /** Evaluations until the next timed one (cost sampling, 1 in CostMeter.sampleEvery). */
  untilTimed: number;
}

/**
 * A member from the store slots of the strategy's features on the instrument. `shared` returns
 * the array to use for a given content (so equal model slots are one array).
 */
export function newMember(
  strategy: CompiledStrategy,
  stages: StrategyStages,
  instrument: string,
  slots: Int32Array,
  ticksNeeded: number,
  target: Target = FLAT,
  shared: (slots: Int32Array) => Int32Array = (s) => s,
): Member {
  const byKey = new Map(strategy.keys.map((k, i) => [k, slots[i] as number]));
  const slotOf = (key: string) => byKey.get(key) ?? -1;
  return {
    strategy,
    stages,
    instrument,
    ruleSlots: Int32Array.from(strategy.ruleFeatureIndex, (i) => slots[i] as number),
    modelSlots: shared(Int32Array.from(strategy.config.model?.inputs ?? [], slotOf)),
    warmup: Math.max(strategy.config.warmupTicks, ticksNeeded),
    target,
    featureCount: strategy.keys.length,
    featureSlots: slots,
    untilTimed: 1,
  };
}
