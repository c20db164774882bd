// The runner's Prometheus metrics: one registry per runner (not prom-client's global one), so
// tests and benchmarks can run several runners in one process.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { UNDECODABLE_REASON } from '../ledger/outbox-shipper.ts';
import { TickHistogram } from './tick-histogram.ts';

/** Prefix of the runner's Node.js process metrics. */
export const RUNNER_PROCESS_PREFIX = 'flotilla_runner_';

const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5,
];

export class RunnerMetrics {
  readonly registry = new Registry();
  readonly ticks;
  readonly tickLatency;
  readonly tickToSignal;
  readonly signals;
  readonly decisions;
  readonly deadLetters;
  readonly drops;
  readonly fallbacks;
  readonly inferenceSeconds;
  readonly batchSize;
  readonly featureHitRatio;
  readonly ringUtilization;
  readonly quarantined;
  readonly modelLoadSeconds;
  readonly consumerLag;
  readonly configGeneration;
  readonly strategies;
  readonly commitFailures;
  readonly ledgerRows;
  readonly ledgerInsertFailures;
  readonly ledgerBackpressure;
  readonly ledgerOutboxLength;
  #ledgerSeen = { written: 0, spooled: 0, replayed: 0, failures: 0, deadLettered: 0 };
  #featureReads = 0;
  #featureComputations = 0;

  constructor(defaultLabels: Record<string, string> = {}) {
    const registers = [this.registry];
    this.registry.setDefaultLabels(defaultLabels);
    collectDefaultMetrics({ register: this.registry, prefix: RUNNER_PROCESS_PREFIX });
    this.ticks = new Counter({
      name: 'flotilla_ticks_processed_total',
      help: 'Ticks processed (decoded and run through features and strategies).',
      labelNames: ['instrument'],
      registers,
    });
    this.tickLatency = new TickHistogram({
      name: 'flotilla_tick_latency_seconds',
      help: 'From a tick entering Redis to the commit of everything it produced.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.tickToSignal = new Histogram({
      name: 'flotilla_tick_to_signal_seconds',
      help: 'From a tick entering Redis to its signal being durable in Redis.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.signals = new Counter({
      name: 'flotilla_signals_emitted_total',
      help: 'Signals (target changes) emitted.',
      registers,
    });
    this.decisions = new Counter({
      name: 'flotilla_decisions_total',
      help: 'Strategy decisions made (one per strategy, instrument and tick scored).',
      registers,
    });
    this.deadLetters = new Counter({
      name: 'flotilla_dead_letters_total',
      help: 'Stream entries sent to the dead-letter stream, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.drops = new Counter({
      name: 'flotilla_drops_total',
      help: 'Strategy evaluations skipped, by reason (overload, budget, quarantined) and priority.',
      labelNames: ['reason', 'priority'],
      registers,
    });
    this.fallbacks = new Counter({
      name: 'flotilla_model_fallbacks_total',
      help: 'Decisions that fell back to the rule score because the model could not score.',
      labelNames: ['model'],
      registers,
    });
    this.inferenceSeconds = new Histogram({
      name: 'flotilla_inference_seconds',
      help: 'Time to score one batch, by model digest (first 12 hex).',
      labelNames: ['model'],
      buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'flotilla_inference_batch_size',
      help: 'Rows per inference batch, by model digest (first 12 hex).',
      labelNames: ['model'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers,
    });
    this.featureHitRatio = new Gauge({
      name: 'flotilla_feature_cache_hit_ratio',
      help: 'Share of feature reads served by a value already computed for the tick.',
      registers,
    });
    this.ringUtilization = new Gauge({
      name: 'flotilla_history_ring_utilization_ratio',
      help: 'Fill of each instrument history ring.',
      labelNames: ['instrument'],
      registers,
    });
    this.quarantined = new Gauge({
      name: 'flotilla_strategy_quarantined',
      help: '1 while the strategy is quarantined after repeated failures.',
      labelNames: ['strategy'],
      registers,
    });
    this.modelLoadSeconds = new Histogram({
      name: 'flotilla_model_load_seconds',
      help: 'Time to fetch, verify and load a model.',
      labelNames: ['model'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'flotilla_consumer_lag_entries',
      help: 'Tick stream entries not yet delivered to this shard.',
      labelNames: ['instrument'],
      registers,
    });
    this.configGeneration = new Gauge({
      name: 'flotilla_shard_config_generation',
      help: 'Generation of the shard config the runner executes.',
      registers,
    });
    this.strategies = new Gauge({
      name: 'flotilla_strategies',
      help: 'Strategies in the shard config, by state.',
      labelNames: ['state'],
      registers,
    });
    this.commitFailures = new Counter({
      name: 'flotilla_commit_failures_total',
      help: 'Failed commits of a processed batch to Redis (retried).',
      registers,
    });
    this.ledgerRows = new Counter({
      name: 'flotilla_ledger_rows_total',
      help: 'Ledger rows by outcome: written (inserted into ClickHouse), spooled (kept on local disk while ClickHouse was down), replayed (from the spool).',
      labelNames: ['outcome'],
      registers,
    });
    this.ledgerInsertFailures = new Counter({
      name: 'flotilla_ledger_insert_failures_total',
      help: 'Failed ClickHouse inserts of ledger rows (the rows went to the spool).',
      registers,
    });
    this.ledgerBackpressure = new Gauge({
      name: 'flotilla_ledger_backpressure',
      help: '1 while the runner reads no ticks for its ledger: the spool is full, or the outbox holds --ledger-outbox-max entries.',
      registers,
    });
    this.ledgerOutboxLength = new Gauge({
      name: 'flotilla_ledger_outbox_entries',
      help: 'Ledger outbox entries committed and not yet shipped to ClickHouse (measured every 250 ms).',
      registers,
    });
  }

  /** Folds the ledger writer's running totals in (they arrive from the shipper thread). */
  setLedgerState(
    backpressure: boolean,
    totals: {
      rowsWritten: number;
      rowsSpooled: number;
      rowsReplayed: number;
      insertFailures: number;
      outboxLength: number;
      outboxDeadLettered: number;
    },
  ): void {
    const seen = this.#ledgerSeen;
    const add = (outcome: string, now: number, before: number) => {
      if (now > before) this.ledgerRows.inc({ outcome }, now - before);
    };
    add('written', totals.rowsWritten, seen.written);
    add('spooled', totals.rowsSpooled, seen.spooled);
    add('replayed', totals.rowsReplayed, seen.replayed);
    if (totals.insertFailures > seen.failures)
      this.ledgerInsertFailures.inc(totals.insertFailures - seen.failures);
    if (totals.outboxDeadLettered > seen.deadLettered)
      this.deadLetters.inc(
        { reason: UNDECODABLE_REASON },
        totals.outboxDeadLettered - seen.deadLettered,
      );
    this.#ledgerSeen = {
      written: totals.rowsWritten,
      spooled: totals.rowsSpooled,
      replayed: totals.rowsReplayed,
      failures: totals.insertFailures,
      deadLettered: totals.outboxDeadLettered,
    };
    this.ledgerBackpressure.set(backpressure ? 1 : 0);
    this.ledgerOutboxLength.set(totals.outboxLength);
  }

  /** Folds the feature reads and computations of one batch into the hit ratio. */
  addFeatureWork(reads: number, computations: number): void {
    this.#featureReads += reads;
    this.#featureComputations += computations;
    if (this.#featureReads > 0)
      this.featureHitRatio.set(Math.max(0, 1 - this.#featureComputations / this.#featureReads));
  }
}
