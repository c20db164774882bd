// The strategy executor: one batch of ticks in, decisions, target changes (signals) and dead
// letters out. Per tick: decode, update the instrument's history and shared features once, then
// for each interested strategy: gate (paused, quarantined, shed, warm-up), rule score, and a
// feature row into its model's batch. Then each model scores its whole batch in one call, and
// the post-processor turns final scores into targets in tick order. No I/O here: the runner
// reads the batch and commits the result.

// Imported rather than the global: `globalThis.performance` is an accessor, and reading it on
// every timed evaluation cost the tick loop more than the timing itself.
import { performance } from 'node:perf_hooks';
import type {
  ResolvedModel,
  ShardConfig,
  ShardStrategy,
} from '../../../operator/src/api/shard/shard-config.ts';
import type { FeatureStore } from '../features/feature-store.ts';
import {
  entryId,
  type StreamBatch,
  type TickBatch,
  type TickEntry,
  toTickBatch,
} from '../ingest/tick-batch.ts';
import { decodeTick } from '../ingest/tick-format.ts';
import {
  CompiledStrategy,
  type Member,
  newMember,
  type StrategyStages,
} from './compiled-strategy.ts';
import { decisionId } from './decision-id.ts';
import { BUDGET_DROP, dropOfGate, Gate, Lineup } from './lineup.ts';
import { type InferenceRun, type ModelBatch, ModelBatches } from './model-batches.ts';
import { CostMeter, type ShedLevel } from './overload.ts';
import { PendingDecisions } from './pending-decisions.ts';
import { planConfig } from './plan.ts';
import type { PredictorProvider } from './predictor.ts';
import { recordFailure, recordSuccess } from './quarantine.ts';
import { blendScores, ruleScore } from './scores.ts';
import { sameTarget, type Target } from './target.ts';

export type { StreamBatch, TickBatch, TickEntry };

export interface SignalRecord {
  decisionId: string;
  strategy: string;
  generation: number;
  instrument: string;
  stream: string;
  entryId: string;
  /** The tick's place in the batch it was read in (its `stream`'s batch of the same read). */
  tickIndex: number;
  /** Tick arrival in Redis (ms, from the entry id): what tick-to-signal latency counts from. */
  entryMs: number;
  tickTs: number;
  cid: string;
  target: Target;
  score: number;
  ruleScore: number;
  mlScore: number;
  modelDigest: string;
  featureSet: string;
  /** The strategy's feature values as scored, in declaration order (with recordFeatures). */
  features?: Float64Array;
}

export interface DeadLetter {
  stream: string;
  entryId: string;
  reason: string;
  message: string;
  fields: string[] | null;
}

export interface StrategyEvent {
  type: 'quarantined';
  strategy: string;
  untilMs: number;
  error: string;
}

export interface BatchResult {
  signals: SignalRecord[];
  deadLetters: DeadLetter[];
  events: StrategyEvent[];
  ticks: number;
  decisions: number;
  /** Drops by `reason/priority`, e.g. `overload/background`. */
  drops: Map<string, number>;
  /** Model calls of the batch (one per model), for the inference metrics. */
  inference: InferenceRun[];
  /** Model rows that fell back to the rule score, by model digest. */
  fallbacks: Map<string, number>;
  featureReads: number;
  featureComputations: number;
}

/** A batch's result before anything happened in it. */
export function emptyBatchResult(): BatchResult {
  return {
    signals: [],
    deadLetters: [],
    events: [],
    ticks: 0,
    decisions: 0,
    drops: new Map(),
    inference: [],
    fallbacks: new Map(),
    featureReads: 0,
    featureComputations: 0,
  };
}

export interface ExecutorOptions {
  features: FeatureStore;
  predictors: PredictorProvider;
  now?: () => number;
  /** Replaces a strategy's scoring stages (plugins; tests inject faults here). */
  stagesFor?: (strategy: CompiledStrategy) => StrategyStages;
  /** Copy each evaluation's feature values so signals carry them (decision records). */
  recordFeatures?: boolean;
}

const NO_LINEUP = new Lineup();

export class Executor {
  readonly features: FeatureStore;
  readonly strategies = new Map<string, CompiledStrategy>();
  readonly #lineups = new Map<string, Lineup>();
  readonly #recordFeatures: boolean;
  /** Model slot arrays by instrument and content (see #sharedSlots). */
  readonly #slotArrays = new Map<string, Map<string, Int32Array>>();
  /** Last target per `strategy\0instrument`, kept across config changes. */
  readonly targets = new Map<string, Target>();
  readonly #predictors: PredictorProvider;
  readonly #now: () => number;
  readonly #stagesFor: (s: CompiledStrategy) => StrategyStages;
  readonly #pending = new PendingDecisions();
  readonly #batches = new ModelBatches();

  constructor(options: ExecutorOptions) {
    this.features = options.features;
    this.#predictors = options.predictors;
    this.#now = options.now ?? Date.now;
    this.#stagesFor = options.stagesFor ?? ((s) => s);
    this.#recordFeatures = options.recordFeatures ?? false;
  }

  /** True when the model has a loaded predictor (readiness). */
  hasPredictor(model: ResolvedModel): boolean {
    return this.#predictors.get(model) !== undefined;
  }

  /** Instruments the current config reads. */
  get instruments(): string[] {
    return [...this.#lineups.keys()];
  }

  /**
   * Applies a new shard config between batches: unchanged strategies keep their state, changed
   * ones are rebuilt (keeping their targets and fault state), removed ones release their features.
   */
  apply(config: ShardConfig): { added: string[]; removed: string[]; changed: string[] } {
    const plan = planConfig(this.strategies, config.strategies);
    for (const name of [...plan.removed, ...plan.changed])
      this.#release(name, plan.removed.includes(name));
    for (const s of [...plan.added, ...plan.changed].map((n) =>
      config.strategies.find((c) => c.name === n),
    )) {
      if (s) this.#add(s);
    }
    return plan;
  }

  #add(config: ShardStrategy): void {
    const previous = this.strategies.get(config.name);
    const strategy = new CompiledStrategy(config);
    if (previous) strategy.quarantine = previous.quarantine;
    this.strategies.set(config.name, strategy);
    const stages = this.#stagesFor(strategy);
    for (const instrument of config.instruments) {
      const slots = Int32Array.from(config.features, (f) => this.features.acquire(instrument, f));
      let needed = Math.max(...config.features.map((f) => this.features.ticksNeeded(f)));
      // Features acquired on a history that dropped ticks start from what it holds: count the
      // warm-up from the first tick held, not from the first tick ever seen.
      const history = this.features.addInstrument(instrument);
      if (history.length < needed) needed += history.count - history.length;
      const target = this.targets.get(`${config.name}\u0000${instrument}`);
      const member = newMember(strategy, stages, instrument, slots, needed, target, (s) =>
        this.#sharedSlots(instrument, s),
      );
      const lineup = this.#lineups.get(instrument) ?? new Lineup();
      lineup.members.push(member);
      this.#lineups.set(instrument, lineup);
    }
  }

  /** One array per content and instrument, so members of one model share their rows. */
  #sharedSlots(instrument: string, slots: Int32Array): Int32Array {
    const byContent = this.#slotArrays.get(instrument) ?? new Map<string, Int32Array>();
    this.#slotArrays.set(instrument, byContent);
    const key = slots.join(',');
    const held = byContent.get(key);
    if (held) return held;
    byContent.set(key, slots);
    return slots;
  }

  #release(name: string, forget: boolean): void {
    const strategy = this.strategies.get(name);
    if (!strategy) return;
    for (const instrument of strategy.config.instruments) {
      const lineup = this.#lineups.get(instrument);
      const members = lineup?.members ?? [];
      for (let k = members.length - 1; k >= 0; k--)
        if (members[k]?.strategy === strategy) members.splice(k, 1);
      if (lineup?.members.length === 0) {
        this.#lineups.delete(instrument);
        this.#slotArrays.delete(instrument);
      }
      for (const key of strategy.keys) this.features.release(instrument, key);
      if (forget) this.targets.delete(`${name}\u0000${instrument}`);
    }
    if (forget) this.strategies.delete(name);
  }

  /** Feeds ticks into history and features only (warming up after a start or restart). */
  warm(instrument: string, entries: TickEntry[]): number {
    let n = 0;
    for (const e of entries) {
      if (!e.fields) continue;
      const d = decodeTick(e.fields);
      if (!d.ok) continue;
      this.features.onTick(instrument, d.tick.ts, d.tick.price, d.tick.volume);
      n++;
    }
    return n;
  }

  /**
   * Processes one batch: the ticks of each stream as read (decoded, or as string entries).
   * Ticks of one instrument are handled in order.
   */
  async process(
    batches: readonly (TickBatch | StreamBatch)[],
    level: ShedLevel = 0,
  ): Promise<BatchResult> {
    const result = emptyBatchResult();
    const now = this.#now();
    const pending = this.#pending;
    pending.reset();
    this.#batches.reset();
    const computedBefore = this.features.computations;
    for (const batch of batches)
      this.#collect('entries' in batch ? toTickBatch(batch) : batch, level, now, result);
    result.featureComputations = this.features.computations - computedBefore;
    await this.#batches.score(result.fallbacks, result.inference);
    for (let i = 0; i < pending.length; i++) this.#decide(i, result, now);
    return result;
  }

  #collect(batch: TickBatch, level: ShedLevel, now: number, result: BatchResult): void {
    const lineup = this.#lineups.get(batch.instrument) ?? NO_LINEUP;
    lineup.prepare(now, level);
    const { members, gates } = lineup;
    // Each member's model batch, looked up once per batch: undefined without a model, null when
    // its predictor is not loaded (the rule score stands in).
    const modelBatches = members.map((m): ModelBatch | null | undefined => {
      const model = m.strategy.config.model;
      if (!model) return undefined;
      const predictor = this.#predictors.get(model);
      return predictor ? this.#batches.batchFor(predictor) : null;
    });
    const history = this.features.addInstrument(batch.instrument);
    const pending = this.#pending;
    const rejected = batch.rejected;
    let nextRejected = 0;
    for (let i = 0; i < batch.length; i++) {
      if (nextRejected < rejected.length && rejected[nextRejected]?.index === i) {
        const r = rejected[nextRejected++] as (typeof rejected)[number];
        result.deadLetters.push({
          stream: batch.stream,
          entryId: entryId(batch, i),
          reason: r.reason,
          message: r.message,
          fields: r.fields,
        });
        continue;
      }
      result.ticks++;
      if (!this.features.onTickOf(batch.instrument, batch.ts, batch.price, batch.volume, i))
        continue;
      const values = this.features.values(batch.instrument);
      const count = history.count;
      pending.pushTick(batch, i);
      if (this.#recordFeatures) pending.recordTickFeatures(values);
      for (let k = 0; k < members.length; k++) {
        const gate = gates[k] as number;
        if (gate !== Gate.evaluate) {
          if (gate !== Gate.skip) lineup.drop(k, dropOfGate(gate));
          continue;
        }
        const member = members[k] as Member;
        if (level > 0) {
          const { cost, config } = member.strategy;
          if (cost.overBudget(now, config.budgetMsPerSecond)) {
            lineup.drop(k, BUDGET_DROP);
            continue;
          }
        }
        if (count < member.warmup) continue;
        // 1 evaluation in CostMeter.sampleEvery is timed, counted that many times.
        const timed = --member.untilTimed === 0;
        let start = 0;
        if (timed) {
          member.untilTimed = CostMeter.sampleEvery;
          start = performance.now();
        }
        try {
          const strategy = member.strategy;
          // The strategy's own rule score is computed here rather than through stages.ruleScore,
          // and a replaced stage's score goes through `+`: a double that a call returns, or that
          // merges with one, is boxed (an allocation per decision).
          const rule =
            member.stages === strategy
              ? strategy.hasRules
                ? ruleScore(strategy.ruleBias, strategy.ruleWeights, member.ruleSlots, values)
                : Number.NaN
              : +member.stages.ruleScore(values, member);
          const modelBatch = modelBatches[k];
          let row = -1;
          if (modelBatch) row = modelBatch.addRow(values, member.modelSlots, pending.tickCount);
          else if (modelBatch === null) this.#fallback(member.strategy, result);
          const at = pending.push(member, modelBatch ?? undefined, row);
          pending.rules[at] = rule; // after push, which may replace the array
          result.featureReads += member.featureCount;
        } catch (err) {
          if (this.#fail(member.strategy, err, now, result)) gates[k] = Gate.quarantined;
        }
        if (timed) member.strategy.cost.add(now, performance.now() - start);
      }
    }
    lineup.foldDrops(result.drops);
  }

  #fallback(strategy: CompiledStrategy, result: BatchResult): void {
    strategy.counters.fallbacks++;
    const key = strategy.modelDigest;
    result.fallbacks.set(key, (result.fallbacks.get(key) ?? 0) + 1);
  }

  #decide(i: number, result: BatchResult, now: number): void {
    const pending = this.#pending;
    const member = pending.members[i] as Member;
    const strategy = member.strategy;
    try {
      const batch = pending.batches[i];
      const ml = batch ? batch.scoreOf(pending.rows[i] as number) : Number.NaN;
      const rule = pending.rules[i] as number;
      const score = blendScores(rule, ml, strategy.blendWeight);
      const target = member.stages.target(score);
      strategy.counters.decisions++;
      result.decisions++;
      recordSuccess(strategy.quarantine);
      if (sameTarget(target, member.target)) return;
      member.target = target;
      this.targets.set(`${strategy.name}\u0000${member.instrument}`, target);
      const t = pending.ticks[i] as number;
      const ticks = pending.tickBatches[t] as TickBatch;
      const at = pending.tickIndexes[t] as number;
      const stream = ticks.stream;
      const id = entryId(ticks, at);
      const modelDigest = Number.isNaN(ml) ? '' : (batch?.predictor.digest ?? '');
      strategy.counters.signals++;
      result.signals.push({
        decisionId: decisionId(stream, id, strategy.name, modelDigest),
        strategy: strategy.name,
        generation: strategy.config.generation,
        instrument: member.instrument,
        stream,
        entryId: id,
        tickIndex: at,
        entryMs: ticks.entryMs[at] as number,
        tickTs: ticks.ts[at] as number,
        cid: ticks.cids[at] as string,
        target,
        score,
        ruleScore: rule,
        mlScore: ml,
        modelDigest,
        featureSet: strategy.featureSet,
        ...(this.#recordFeatures ? { features: pending.featuresOf(i, member.featureSlots) } : {}),
      });
    } catch (err) {
      this.#fail(strategy, err, now, result);
    }
  }

  /** Records a failure; true when it quarantines the strategy. */
  #fail(strategy: CompiledStrategy, err: unknown, now: number, result: BatchResult): boolean {
    strategy.counters.errors++;
    const message = err instanceof Error ? err.message : String(err);
    if (!recordFailure(strategy.quarantine, now, message)) return false;
    result.events.push({
      type: 'quarantined',
      strategy: strategy.name,
      untilMs: strategy.quarantine.until,
      error: message,
    });
    return true;
  }
}
