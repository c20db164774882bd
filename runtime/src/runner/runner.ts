// One runner = one shard. The loop: apply a pending config change (between batches, so no tick
// is lost or handled twice), read a batch, run it through the executor, commit it in one
// transaction (signals, targets, dead letters, XACK), record metrics. Reporting to Redis runs
// on its own timer. Three connections: reads (the StreamReader), commits, and everything else
// (groups, warm-up, reports, lag), so neither reports nor a blocked read delay a commit.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type RunnerKeys, runnerKeys } from '../../../operator/src/api/shard/redis-keys.ts';
import type { ShardConfig } from '../../../operator/src/api/shard/shard-config.ts';
import { FeatureStore } from '../features/feature-store.ts';
import { StreamReader } from '../ingest/stream-reader.ts';
import type { TickBatch } from '../ingest/tick-batch.ts';
import { TickConsumer } from '../ingest/tick-consumer.ts';
import { encodeOutboxEntry } from '../ledger/outbox-format.ts';
import { type RunnerLedger, rulesVersion } from '../ledger/runner-ledger.ts';
import type { RunnerMetrics } from '../server/metrics.ts';
import { commitBatch } from '../signals/commit.ts';
import type { CompiledStrategy, StrategyStages } from '../strategy/compiled-strategy.ts';
import { type BatchResult, Executor, type SignalRecord } from '../strategy/executor.ts';
import { shedLevel } from '../strategy/overload.ts';
import type { PredictorProvider } from '../strategy/predictor.ts';
import { decodeTarget } from '../strategy/target.ts';
import { Reporter } from './reporter.ts';

export interface RunnerOptions {
  redisUrl: string;
  namespace: string;
  shard: number;
  consumer: string;
  predictors: PredictorProvider;
  metrics: RunnerMetrics;
  log: Logger;
  readCount?: number;
  blockMs?: number;
  latencyBudgetMs?: number;
  startFrom?: 'latest' | 'earliest';
  signalMaxLen?: number;
  reportIntervalMs?: number;
  stagesFor?: (s: CompiledStrategy) => StrategyStages;
  /** Called with each committed tick's latency and its Redis entry time, in ms (benchmarks). */
  onTickLatency?: (ms: number, entryMs: number) => void;
  /** Decision records and paper execution; their rows are committed with the batch's XACKs. */
  ledger?: RunnerLedger;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const NO_SIGNALS: readonly SignalRecord[] = [];

const rulesVersions = new WeakMap<object, string>();
/** rulesVersion, once per resolved strategy config. */
function rulesVersionOf(config: Parameters<typeof rulesVersion>[0]): string {
  let v = rulesVersions.get(config);
  if (v === undefined) {
    v = rulesVersion(config);
    rulesVersions.set(config, v);
  }
  return v;
}

export class Runner {
  readonly keys: RunnerKeys;
  readonly executor: Executor;
  readonly totals = { ticks: 0, signals: 0, deadLetters: 0, drops: 0, batches: 0 };
  generation = -1;
  readonly #o: RunnerOptions;
  readonly #reader: StreamReader;
  readonly #writer: Redis;
  readonly #control: Redis;
  readonly #consumer: TickConsumer;
  readonly #reporter: Reporter;
  #pending: ShardConfig | undefined;
  /** The commit of the last batch handled; it settles once recorded (it never rejects). */
  #committing: Promise<void> = Promise.resolve();
  #stopping = false;
  #loop: Promise<void> | undefined;
  #reportTimer: NodeJS.Timeout | undefined;
  #lagTimer: NodeJS.Timeout | undefined;

  constructor(o: RunnerOptions) {
    this.#o = o;
    this.keys = runnerKeys(o.namespace, o.shard);
    const redisOptions = {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      connectionName: `flotilla-runner-${o.shard}`,
    };
    this.#reader = new StreamReader({
      url: o.redisUrl,
      connectionName: `${redisOptions.connectionName}-read`,
    });
    this.#writer = new Redis(o.redisUrl, redisOptions);
    this.#control = new Redis(o.redisUrl, redisOptions);
    for (const r of [this.#control, this.#writer])
      r.on('error', (err) => o.log.warn({ err }, 'redis connection error'));
    this.executor = new Executor({
      features: new FeatureStore(),
      predictors: o.predictors,
      ...(o.stagesFor ? { stagesFor: o.stagesFor } : {}),
      recordFeatures: o.ledger !== undefined,
    });
    this.#consumer = new TickConsumer({
      redis: this.#control,
      reader: this.#reader,
      group: this.keys.group,
      consumer: o.consumer,
      count: o.readCount ?? 256,
      blockMs: o.blockMs ?? 100,
      startId: o.startFrom === 'earliest' ? '0' : '$',
    });
    this.#reporter = new Reporter(this.#control, this.keys, { shard: o.shard, pod: o.consumer });
  }

  get redisReady(): boolean {
    return (
      this.#reader.connected && this.#control.status === 'ready' && this.#writer.status === 'ready'
    );
  }

  /** Offers a new shard config; it is applied before the next batch. */
  setConfig(config: ShardConfig): void {
    if (config.shard !== this.#o.shard) {
      this.#o.log.error(
        { configShard: config.shard },
        'shard config is for another shard; ignored',
      );
      return;
    }
    this.#pending = config;
  }

  async reportRejected(error: Error): Promise<void> {
    this.#o.log.error({ err: error }, 'shard config rejected; keeping the running config');
    await this.#reporter
      .event('config-rejected', { message: error.message.slice(0, 2_000) })
      .catch(() => undefined);
  }

  /**
   * Starts the loop. Redis being down is not fatal: the clients keep reconnecting, commands
   * wait for them, and /readyz says "redis" until they are back.
   */
  async start(): Promise<void> {
    const unreachable = (err: unknown) =>
      this.#o.log.warn({ err }, 'redis not reachable yet; retrying');
    for (const r of [this.#control, this.#writer]) r.connect().catch(unreachable);
    // The reader reconnects on each read; this only connects it before the first one.
    this.#reader.connect().catch(unreachable);
    void this.#reporter.event('started').catch(() => undefined);
    const interval = this.#o.reportIntervalMs ?? 1_000;
    this.#reportTimer = setInterval(() => void this.#report(), interval);
    this.#lagTimer = setInterval(() => void this.#measureLag(), Math.max(interval, 5_000));
    this.#loop = this.#run();
  }

  /** Stops after the batch in flight is committed; nothing read is left half done. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#reportTimer);
    clearInterval(this.#lagTimer);
    await this.#loop;
    await this.#report();
    await Promise.all([this.#reader.close(), this.#control.quit(), this.#writer.quit()]).catch(
      () => undefined,
    );
  }

  /**
   * Two stages overlap with the processing of a batch: the next read is sent as soon as a batch
   * arrives (reads and commits use separate connections), and a batch's commit is still in
   * flight while the next batch is processed (commits go out one at a time, in batch order). A
   * config change or a stop first lets the read and the commit in flight finish: config changes
   * still happen between batches, and nothing read is left unprocessed or uncommitted.
   */
  async #run(): Promise<void> {
    let next: Promise<TickBatch[]> | undefined;
    let failures = 0;
    while (!this.#stopping || next) {
      try {
        if (!next) {
          await this.#committing;
          await this.#applyPending();
          if (this.#consumer.streams.length === 0) {
            await sleep(50);
            continue;
          }
          await this.#o.ledger?.whenWritable();
          next = this.#consumer.read();
        }
        const read = next;
        next = undefined;
        const batches = await read;
        if (!this.#pending && !this.#stopping) {
          next = this.#consumer.read();
          next.catch(() => undefined); // awaited on the next turn; this only marks it handled
        }
        if (batches.length > 0) await this.#handle(batches);
        failures = 0;
      } catch (err) {
        if (this.#stopping && !next) break;
        // Backs off while Redis stays away: the reader reconnects on each read.
        const waitMs = Math.min(250 * 2 ** failures++, 5_000);
        this.#o.log.error({ err, retryInMs: waitMs }, 'runner loop failed; retrying');
        await sleep(waitMs);
      }
    }
    await this.#committing;
  }

  async #handle(batches: TickBatch[]): Promise<void> {
    const now = Date.now();
    let oldest = now;
    for (const b of batches) oldest = Math.min(oldest, b.entryMs[0] ?? now);
    const level = shedLevel(now - oldest, this.#o.latencyBudgetMs ?? 50);
    const result = await this.executor.process(batches, level);
    const ledgerRows = this.#o.ledger ? this.#ledgerRows(this.#o.ledger, batches, result) : '';
    await this.#committing;
    this.#committing = this.#commit(batches, result, ledgerRows)
      .then(() => this.#record(batches, result))
      .catch((err: unknown) => this.#o.log.error({ err }, 'recording a committed batch failed'));
  }

  /**
   * Runs the batch through the ledger: every tick onto the tape, in stream order, and each
   * decision right after the tick it was made on. Returns the batch's outbox entry ('' if none).
   */
  #ledgerRows(ledger: RunnerLedger, batches: TickBatch[], result: BatchResult): string {
    // Signals grouped by stream, each group in tick order (the executor decides in that order):
    // the walk below matches them to ticks by position, with nothing to build per tick.
    const byStream = new Map<string, SignalRecord[]>();
    for (const s of result.signals) {
      const group = byStream.get(s.stream);
      if (group) group.push(s);
      else byStream.set(s.stream, [s]);
    }
    for (const b of batches) {
      const decided = byStream.get(b.stream) ?? NO_SIGNALS;
      let next = 0;
      let rejected = 0;
      for (let i = 0; i < b.length; i++) {
        if (b.rejected[rejected]?.index === i) {
          rejected++;
          continue;
        }
        ledger.tick(b.instrument, b.ts[i] as number, b.price[i] as number, b.volume[i] as number);
        for (; next < decided.length && (decided[next] as SignalRecord).tickIndex === i; next++) {
          const signal = decided[next] as SignalRecord;
          const strategy = this.executor.strategies.get(signal.strategy);
          if (!strategy) continue;
          ledger.decision({
            signal,
            featureKeys: strategy.keys,
            featureValues: signal.features ?? [],
            rulesVersion: rulesVersionOf(strategy.config),
            blendWeight: strategy.blendWeight,
            arm: '',
          });
        }
      }
      if (next < decided.length)
        throw new Error(
          `ledger: ${decided.length - next} signal(s) of ${b.stream} match no tick of its batch`,
        );
    }
    const batch = ledger.take();
    return batch ? encodeOutboxEntry(batch.rows, batch.tape) : '';
  }

  /** Retries until Redis takes the batch: its features have advanced, so it cannot be redone. */
  async #commit(batches: TickBatch[], result: BatchResult, ledgerRows: string): Promise<void> {
    const keys = {
      outbox: this.keys.ledgerOutbox,
      group: this.keys.group,
      shard: this.#o.shard,
      targetsKey: this.keys.targets,
      deadLetterStream: this.keys.deadLetters,
      signalMaxLen: this.#o.signalMaxLen ?? 100_000,
    };
    for (let attempt = 0; ; attempt++) {
      try {
        await commitBatch(this.#writer, batches, result, keys, ledgerRows);
        return;
      } catch (err) {
        this.#o.metrics.commitFailures.inc();
        this.#o.log.warn({ err, attempt }, 'commit failed; retrying');
        await sleep(Math.min(50 * 2 ** attempt, 2_000));
      }
    }
  }

  #record(batches: TickBatch[], result: BatchResult): void {
    const m = this.#o.metrics;
    const done = Date.now();
    for (const b of batches) {
      let next = 0;
      for (let i = 0; i < b.length; i++) {
        if (b.rejected[next]?.index === i) {
          next++;
          continue;
        }
        const entryMs = b.entryMs[i] as number;
        const ms = done - entryMs;
        m.tickLatency.observe(ms / 1_000);
        this.#o.onTickLatency?.(ms, entryMs);
      }
      m.ticks.inc({ instrument: b.instrument }, b.length - b.rejected.length);
    }
    for (const s of result.signals) m.tickToSignal.observe((done - s.entryMs) / 1_000);
    m.signals.inc(result.signals.length);
    m.decisions.inc(result.decisions);
    for (const d of result.deadLetters) m.deadLetters.inc({ reason: d.reason });
    let drops = 0;
    for (const [key, n] of result.drops) {
      const [reason = '', priority = ''] = key.split('/');
      m.drops.inc({ reason, priority }, n);
      drops += n;
    }
    for (const [digest, n] of result.fallbacks) m.fallbacks.inc({ model: digest.slice(0, 12) }, n);
    for (const run of result.inference) {
      const model = run.digest.slice(0, 12);
      m.inferenceSeconds.observe({ model }, run.seconds);
      m.batchSize.observe({ model }, run.rows);
    }
    m.addFeatureWork(result.featureReads, result.featureComputations);
    for (const e of result.events) {
      m.quarantined.set({ strategy: e.strategy }, 1);
      this.#o.log.warn(
        { strategy: e.strategy, until: new Date(e.untilMs).toISOString(), error: e.error },
        'strategy quarantined',
      );
      void this.#reporter
        .event('strategy-quarantined', {
          strategy: e.strategy,
          untilMs: e.untilMs,
          error: e.error.slice(0, 500),
        })
        .catch(() => undefined);
    }
    this.totals.ticks += result.ticks;
    this.totals.signals += result.signals.length;
    this.totals.deadLetters += result.deadLetters.length;
    this.totals.drops += drops;
    this.totals.batches++;
  }

  async #applyPending(): Promise<void> {
    const config = this.#pending;
    if (!config) return;
    this.#pending = undefined;
    const ex = this.executor;
    for (const s of config.strategies) {
      if (ex.strategies.has(s.name)) continue;
      const saved = await this.#control.hgetall(this.keys.targets(s.name));
      for (const [instrument, text] of Object.entries(saved))
        ex.targets.set(`${s.name}\u0000${instrument}`, decodeTarget(text));
    }
    const before = new Set(ex.instruments);
    const plan = ex.apply(config);
    const after = new Set(ex.instruments);
    for (const instrument of before) {
      if (after.has(instrument)) continue;
      this.#consumer.detach(instrument);
      ex.features.removeInstrument(instrument);
    }
    for (const instrument of after) {
      if (before.has(instrument)) continue;
      const capacity = ex.features.addInstrument(instrument).capacity;
      const { warm, claimed } = await this.#consumer.attach(instrument, capacity);
      ex.warm(instrument, warm);
      this.#o.log.info({ instrument, warmed: warm.length, claimed }, 'reading tick stream');
    }
    this.generation = config.generation;
    const m = this.#o.metrics;
    m.configGeneration.set(config.generation);
    this.#o.log.info({ generation: config.generation, ...plan }, 'shard config applied');
    await this.#reporter.event('config-applied', {
      generation: config.generation,
      strategies: config.strategies.length,
      added: plan.added.join(','),
      removed: plan.removed.join(','),
      changed: plan.changed.join(','),
    });
    await this.#report();
  }

  async #report(): Promise<void> {
    const now = Date.now();
    const m = this.#o.metrics;
    let quarantined = 0;
    let paused = 0;
    for (const s of this.executor.strategies.values()) {
      const q = s.quarantine.until > now;
      if (q) quarantined++;
      if (s.config.paused) paused++;
      m.quarantined.set({ strategy: s.name }, q ? 1 : 0);
    }
    const total = this.executor.strategies.size;
    m.strategies.set({ state: 'running' }, total - quarantined - paused);
    m.strategies.set({ state: 'quarantined' }, quarantined);
    m.strategies.set({ state: 'paused' }, paused);
    for (const instrument of this.executor.instruments)
      m.ringUtilization.set(
        { instrument },
        this.executor.features.history(instrument)?.utilization() ?? 0,
      );
    try {
      await this.#reporter.flush(
        {
          generation: this.generation,
          ready: this.generation >= 0 && this.redisReady,
          ...this.totals,
          strategies: this.executor.strategies.values(),
        },
        now,
      );
    } catch (err) {
      this.#o.log.warn({ err }, 'reporting to redis failed');
    }
  }

  async #measureLag(): Promise<void> {
    try {
      for (const [instrument, lag] of await this.#consumer.lag())
        this.#o.metrics.consumerLag.set({ instrument }, lag);
    } catch (err) {
      this.#o.log.debug({ err }, 'measuring consumer lag failed');
    }
  }
}
