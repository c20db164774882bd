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
import { decodeTick } from '../ingest/tick-format.ts';
import {
  CompiledStrategy,
  type Member,
  newMember,
  type StrategyStages,
} from './compiled-strategy.ts';
import { decisionId } from './decision-id.ts';
import { type InferenceRun, ModelBatches } from './model-batches.ts';
import { type ShedLevel, shedByPriority } from './overload.ts';
import { PendingDecisions } from './pending-decisions.ts';
import { planConfig } from './plan.ts';
import type { PredictorProvider } from './predictor.ts';
import { isQuarantined, recordFailure, recordSuccess } from './quarantine.ts';
import { blendScores } from './scores.ts';
import { sameTarget, type Target } from './target.ts';

export interface TickEntry {
  id: string;
  /** Flat field/value list; null for an entry deleted from the stream before it was read. */
  fields: string[] | null;
}

export interface StreamBatch {
  instrument: string;
  stream: string;
  entries: TickEntry[];
}

export interface SignalRecord {
  decisionId: string;
  strategy: string;
  generation: number;
  instrument: string;
  stream: string;
  entryId: string;
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

export interface ExecutorOptions {
  features: FeatureStore;
  predictors: PredictorProvider;
  now?: () => number;
  /** Replaces a strategy's scoring stages (plugins; tests inject faults here). */
  stagesFor?: (strategy: CompiledStrategy) => StrategyStages;
}

const entryMs = (id: string) => Number(id.slice(0, id.indexOf('-')));

export class Executor {
  readonly features: FeatureStore;
  readonly strategies = new Map<string, CompiledStrategy>();
  #members = new Map<string, Member[]>();
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
  }

  /** True when the model has a loaded predictor (readiness). */
  hasPredictor(model: ResolvedModel): boolean {
    return this.#predictors.get(model) !== undefined;
  }

  /** Instruments the current config reads. */
  get instruments(): string[] {
    return [...this.#members.keys()];
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
      const member = newMember(strategy, stages, instrument, slots, needed, target);
      const list = this.#members.get(instrument) ?? [];
      list.push(member);
      this.#members.set(instrument, list);
    }
  }

  #release(name: string, forget: boolean): void {
    const strategy = this.strategies.get(name);
    if (!strategy) return;
    for (const instrument of strategy.config.instruments) {
      const list = (this.#members.get(instrument) ?? []).filter((m) => m.strategy !== strategy);
      if (list.length > 0) this.#members.set(instrument, list);
      else this.#members.delete(instrument);
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

  /** Processes one batch. Ticks of one instrument are handled in order. */
  async process(batches: StreamBatch[], level: ShedLevel = 0): Promise<BatchResult> {
    const result: BatchResult = {
      signals: [],
      deadLetters: [],
      events: [],
      ticks: 0,
      decisions: 0,
      drops: new Map(),
      fallbacks: new Map(),
      inference: [],
      featureReads: 0,
      featureComputations: 0,
    };
    const now = this.#now();
    const pending = this.#pending;
    pending.reset();
    this.#batches.reset();
    const computedBefore = this.features.computations;
    for (const batch of batches) this.#collect(batch, level, now, result);
    result.featureComputations = this.features.computations - computedBefore;
    await this.#batches.score(result.fallbacks, result.inference);
    for (let i = 0; i < pending.length; i++) this.#decide(i, result, now);
    return result;
  }

  #drop(result: BatchResult, member: Member, reason: string): void {
    const key = `${reason}/${member.strategy.config.priority}`;
    result.drops.set(key, (result.drops.get(key) ?? 0) + 1);
    member.strategy.counters.drops++;
  }

  #collect(batch: StreamBatch, level: ShedLevel, now: number, result: BatchResult): void {
    const members = this.#members.get(batch.instrument) ?? [];
    // Each member's model batch, looked up once per batch: undefined without a model, null when
    // its predictor is not loaded (the rule score stands in).
    const modelBatches = members.map((m) => {
      const model = m.strategy.config.model;
      if (!model) return undefined;
      const predictor = this.#predictors.get(model);
      return predictor ? this.#batches.batchFor(predictor) : null;
    });
    const history = this.features.addInstrument(batch.instrument);
    const pending = this.#pending;
    for (const entry of batch.entries) {
      if (!entry.fields) {
        result.deadLetters.push({
          stream: batch.stream,
          entryId: entry.id,
          reason: 'deleted',
          message: 'entry was trimmed from the stream before it was read',
          fields: null,
        });
        continue;
      }
      const decoded = decodeTick(entry.fields);
      if (!decoded.ok) {
        result.deadLetters.push({
          stream: batch.stream,
          entryId: entry.id,
          reason: decoded.reason,
          message: decoded.message,
          fields: entry.fields,
        });
        continue;
      }
      const tick = decoded.tick;
      result.ticks++;
      if (!this.features.onTick(batch.instrument, tick.ts, tick.price, tick.volume)) continue;
      const values = this.features.values(batch.instrument);
      const count = history.count;
      pending.pushTick(batch.stream, entry.id, tick.ts, tick.cid ?? '');
      for (let k = 0; k < members.length; k++) {
        const member = members[k] as Member;
        const strategy = member.strategy;
        if (strategy.config.paused) continue;
        if (isQuarantined(strategy.quarantine, now)) {
          this.#drop(result, member, 'quarantined');
          continue;
        }
        if (level > 0) {
          if (shedByPriority(strategy.config.priority, level)) {
            this.#drop(result, member, 'overload');
            continue;
          }
          if (strategy.cost.overBudget(now, strategy.config.budgetMsPerSecond)) {
            this.#drop(result, member, 'budget');
            continue;
          }
        }
        if (count < member.warmup) continue;
        const timed = strategy.cost.sample();
        const start = timed ? performance.now() : 0;
        try {
          const rule = member.stages.ruleScore(values, member);
          const modelBatch = modelBatches[k] ?? undefined;
          const row = modelBatch ? modelBatch.addRow(values, member.modelSlots) : -1;
          if (modelBatches[k] === null) {
            strategy.counters.fallbacks++;
            const key = strategy.modelDigest;
            result.fallbacks.set(key, (result.fallbacks.get(key) ?? 0) + 1);
          }
          pending.push(member, rule, modelBatch, row);
          result.featureReads += strategy.keys.length;
        } catch (err) {
          this.#fail(strategy, err, now, result);
        }
        if (timed) strategy.cost.add(now, performance.now() - start);
      }
    }
  }

  #decide(i: number, result: BatchResult, now: number): void {
    const pending = this.#pending;
    const member = pending.members[i] as Member;
    const strategy = member.strategy;
    try {
      const batch = pending.batches[i];
      const ml = batch ? batch.scoreOf(pending.rows[i] as number) : Number.NaN;
      const rule = pending.rules[i] as number;
      const score = blendScores(rule, ml, strategy.config.decision.blendWeight);
      const target = member.stages.target(score);
      strategy.counters.decisions++;
      result.decisions++;
      recordSuccess(strategy.quarantine);
      if (sameTarget(target, member.target)) return;
      member.target = target;
      this.targets.set(`${strategy.name}\u0000${member.instrument}`, target);
      const t = pending.ticks[i] as number;
      const stream = pending.streams[t] as string;
      const entryId = pending.entryIds[t] as string;
      const modelDigest = Number.isNaN(ml) ? '' : (batch?.predictor.digest ?? '');
      strategy.counters.signals++;
      result.signals.push({
        decisionId: decisionId(stream, entryId, strategy.name, modelDigest),
        strategy: strategy.name,
        generation: strategy.config.generation,
        instrument: member.instrument,
        stream,
        entryId,
        entryMs: entryMs(entryId),
        tickTs: pending.tickTs[t] as number,
        cid: pending.cids[t] as string,
        target,
        score,
        ruleScore: rule,
        mlScore: ml,
        modelDigest,
        featureSet: strategy.featureSet,
      });
    } catch (err) {
      this.#fail(strategy, err, now, result);
    }
  }

  #fail(strategy: CompiledStrategy, err: unknown, now: number, result: BatchResult): void {
    strategy.counters.errors++;
    const message = err instanceof Error ? err.message : String(err);
    if (recordFailure(strategy.quarantine, now, message))
      result.events.push({
        type: 'quarantined',
        strategy: strategy.name,
        untilMs: strategy.quarantine.until,
        error: message,
      });
  }
}
