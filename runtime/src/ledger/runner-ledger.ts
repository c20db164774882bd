// The runner's side of the ledger: per batch of ticks, the decisions it made (one per target
// change, with the feature values exactly as scored), the signals, and what the paper broker
// did with them (fills, P&L events, equity points, outcome labels). `takeRows()` hands a batch's
// rows to the runner's commit, which stores them in the shard's outbox stream in the same Redis
// transaction that acknowledges the batch's ticks; the OutboxShipper moves them to ClickHouse.
import { createHash } from 'node:crypto';
import type { ShardStrategy } from '../../../operator/src/api/shard/shard-config.ts';
import type { PaperBroker } from '../execution/paper-broker.ts';
import type { Tick } from '../ingest/tick-format.ts';
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

export class RunnerLedger {
  readonly #broker: PaperBroker;
  readonly #writable: () => Promise<void>;
  #decisions: DecisionRow[] = [];
  #signals: SignalRow[] = [];

  /** `writable` resolves when the ledger takes more (back-pressure: no ticks are read until then). */
  constructor(broker: PaperBroker, writable: () => Promise<void> = () => Promise.resolve()) {
    this.#broker = broker;
    this.#writable = writable;
  }

  /** Call for every tick, in stream order, before the decisions made on it. */
  tick(instrument: string, tick: Tick): void {
    this.#broker.onTick(instrument, tick);
  }

  decision(d: LedgerDecision): void {
    const row = decisionRow(d);
    this.#decisions.push(row);
    this.#signals.push(signalOfDecision(row));
    this.#broker.onSignal({
      strategy: row.strategy,
      instrument: row.instrument,
      decisionId: row.id,
      side: row.action as 'long' | 'short' | 'flat',
      units: row.units,
      tsMs: row.ts_ms,
    });
  }

  /** Everything since the last call, as rows; undefined when there is nothing. */
  takeRows(): LedgerRows | undefined {
    const out = this.#broker.drain();
    const rows: LedgerRows = {
      decisions: this.#decisions,
      signals: this.#signals,
      fills: out.fills,
      pnl_events: out.pnlEvents,
      equity_points: out.equityPoints,
      outcomes: out.outcomes,
    };
    this.#decisions = [];
    this.#signals = [];
    return Object.values(rows).some((r) => r.length > 0) ? rows : undefined;
  }

  whenWritable(): Promise<void> {
    return this.#writable();
  }
}
