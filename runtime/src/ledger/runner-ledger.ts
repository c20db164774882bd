// The runner's side of the ledger: per batch of ticks, the decisions it made (one per target
// change, with the feature values exactly as scored), their signals, and the tape the paper broker
// executes them on (the batch's ticks and the tick of each decision). `take()` hands them to the
// runner's commit, which stores them in the shard's outbox stream in the same Redis transaction
// that acknowledges the batch's ticks. The ledger's thread replays the tape through the broker
// (fills, P&L events, equity points, outcome labels) and ships everything to ClickHouse: the
// broker's work per tick grows with the positions open, and on the runner's thread it delayed
// the tick path (bench/ledger).
import { createHash } from 'node:crypto';
import type { ShardStrategy } from '../../../operator/src/api/shard/shard-config.ts';
import { type EncodedTape, TickTape } from '../execution/tape.ts';
import type { SignalRecord } from '../strategy/executor.ts';
import { SIDE_NAMES } from '../strategy/target.ts';
import type { LedgerRows } from './batching.ts';
import { type DecisionRow, type SignalRow, signalOfDecision } from './records.ts';

/** What the runner knows about a decision when it makes it. */
export interface LedgerDecision {
  signal: SignalRecord;
  featureKeys: readonly string[];
  /** The values scored, in featureKeys order (copied: the caller's buffer moves on). */
  featureValues: ArrayLike<number>;
  rulesVersion: string;
  /** The strategy's resolved blend weight (what forensics re-blends the scores with). */
  blendWeight: number;
  /** '' outside an experiment. */
  arm: string;
}

/** A short hash of what turns features into a rule score and a target: rules and decision params. */
export function rulesVersion(strategy: Pick<ShardStrategy, 'rules' | 'decision'>): string {
  const canonical = JSON.stringify({ rules: strategy.rules ?? null, decision: strategy.decision });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

const score = (x: number) => (Number.isFinite(x) ? x : null);

export function decisionRow(d: LedgerDecision): DecisionRow {
  const s = d.signal;
  return {
    id: s.decisionId,
    ts_ms: s.tickTs,
    strategy: s.strategy,
    instrument: s.instrument,
    generation: s.generation,
    model_digest: s.modelDigest,
    feature_set: s.featureSet,
    feature_keys: d.featureKeys,
    feature_values: Array.from(d.featureValues, (v) => (Number.isFinite(v) ? v : 0)),
    rules_version: d.rulesVersion,
    rule_score: score(s.ruleScore),
    ml_score: score(s.mlScore),
    final_score: Number.isFinite(s.score) ? s.score : 0,
    blend_weight: d.blendWeight,
    arm: d.arm,
    action: SIDE_NAMES[s.target.side],
    units: s.target.units,
    correlation_id: s.cid,
    entry_id: s.entryId,
  };
}

/** What one commit stores in the outbox: the rows, and the tape that executes the decisions. */
export interface LedgerBatch {
  rows: LedgerRows;
  tape: EncodedTape;
}

export class RunnerLedger {
  readonly #writable: () => Promise<void>;
  readonly #tape = new TickTape();
  #decisions: DecisionRow[] = [];
  #signals: SignalRow[] = [];

  /** `writable` resolves when the ledger takes more (back-pressure: no ticks are read until then). */
  constructor(writable: () => Promise<void> = () => Promise.resolve()) {
    this.#writable = writable;
  }

  /** Call for every tick, in stream order, before the decisions made on it. */
  tick(instrument: string, ts: number, price: number, volume: number): void {
    this.#tape.tick(instrument, ts, price, volume);
  }

  /** A decision made on the last tick passed to tick(). */
  decision(d: LedgerDecision): void {
    const row = decisionRow(d);
    this.#tape.decided();
    this.#decisions.push(row);
    this.#signals.push(signalOfDecision(row));
  }

  /** Everything since the last call; undefined when there is nothing (no tick, no decision). */
  take(): LedgerBatch | undefined {
    const tape = this.#tape.take();
    if (!tape) return undefined;
    const rows: LedgerRows = { decisions: this.#decisions, signals: this.#signals };
    this.#decisions = [];
    this.#signals = [];
    return { rows, tape };
  }

  whenWritable(): Promise<void> {
    return this.#writable();
  }
}
