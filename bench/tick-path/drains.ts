// The ways of draining the pre-loaded tick backlog, each through its own fresh consumer group:
// (a) bare XREADGROUP + XACK on the runner's read and commit path, (b) the runner, (c) the naive
// baseline on the runner's read and commit path, and for reference (a0) bare XREADGROUP + XACK
// through ioredis 6 alone. The rate counts from the moment WARMUP_SHARE of the expected ticks
// are acknowledged to the last acknowledgement, the same way for all: the first part absorbs
// connecting, creating groups, applying the config and the JIT's warm-up.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { ShardConfig } from '../../operator/src/api/shard/shard-config.ts';
import { StreamReader } from '../../runtime/src/ingest/stream-reader.ts';
import { TickConsumer } from '../../runtime/src/ingest/tick-consumer.ts';
import { tickStream } from '../../runtime/src/ingest/tick-format.ts';
import { Runner } from '../../runtime/src/runner/runner.ts';
import { RunnerMetrics } from '../../runtime/src/server/metrics.ts';
import { commitBatch } from '../../runtime/src/signals/commit.ts';
import { emptyBatchResult } from '../../runtime/src/strategy/executor.ts';
import type { PredictorProvider } from '../../runtime/src/strategy/predictor.ts';
import { NaiveExecutor } from './naive.ts';

/** The runner's default, used by all three so that they read the same batches. */
export const READ_COUNT = 256;
/** Share of the backlog drained before the clock starts. */
export const WARMUP_SHARE = 0.1;

export interface DrainResult {
  /** Ticks acknowledged in all. */
  ticks: number;
  /** Ticks acknowledged after the warm-up, and the wall time they took. */
  timedTicks: number;
  ms: number;
  /** CPU time of this process (user + system) over the timed part, for comparison. */
  cpuMs: number;
  signals: number;
  decisions: number;
  drops: number;
  batches: number;
}

/** Starts timing once `warmup` ticks are done. */
class Stopwatch {
  readonly #warmup: number;
  #startTicks = -1;
  #start = 0;
  #cpu: NodeJS.CpuUsage | undefined;
  ms = 0;
  cpuMs = 0;
  timedTicks = 0;

  constructor(expected: number) {
    this.#warmup = Math.ceil(expected * WARMUP_SHARE);
  }

  /** Called with the running total after each batch is acknowledged. */
  tick(done: number): void {
    if (this.#startTicks < 0) {
      if (done < this.#warmup) return;
      this.#startTicks = done;
      this.#start = performance.now();
      this.#cpu = process.cpuUsage();
      return;
    }
    this.timedTicks = done - this.#startTicks;
    this.ms = performance.now() - this.#start;
    const cpu = process.cpuUsage(this.#cpu);
    this.cpuMs = (cpu.user + cpu.system) / 1_000;
  }
}

const silent = pino({ level: 'silent' });

/**
 * (a) The ceiling: XREADGROUP over every stream and XACK of what it returned, nothing else,
 * through the runner's own reader and commit (a commit with nothing but the acknowledgements),
 * with the runner's I/O structure: reads on one connection, the next one sent as soon as a
 * reply arrives; commits on another, one batch in flight.
 */
export async function drainBare(
  redisUrl: string,
  group: string,
  instruments: string[],
  expected: number,
): Promise<DrainResult> {
  const clock = new Stopwatch(expected);
  const reader = new StreamReader({ url: redisUrl });
  const writer = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
  await Promise.all([reader.connect(), writer.connect()]);
  const streams = instruments.map(tickStream);
  for (const s of streams) await writer.call('XGROUP', 'CREATE', s, group, '0', 'MKSTREAM');
  const args = ['GROUP', group, 'bare', 'COUNT', READ_COUNT, 'STREAMS', ...streams];
  for (const _ of streams) args.push('>');
  const keys = {
    group,
    shard: 0,
    targetsKey: (s: string) => `${group}:targets:${s}`,
    deadLetterStream: `${group}:dlq`,
    signalMaxLen: 100_000,
  };
  const read = () => reader.xreadgroup(args, (stream) => stream);
  let done = 0;
  let acked = 0;
  let batches = 0;
  let next = read();
  let acking: Promise<unknown> = Promise.resolve();
  while (done < expected) {
    const reply = await next;
    next = read();
    let n = 0;
    for (const b of reply) n += b.length;
    done += n;
    await acking;
    acking = commitBatch(writer, reply, emptyBatchResult(), keys).then(() => {
      acked += n;
      clock.tick(acked);
    });
    batches++;
  }
  await acking;
  await next;
  await Promise.all([reader.close(), writer.quit()]);
  const { ms, cpuMs, timedTicks } = clock;
  return { ticks: acked, timedTicks, ms, cpuMs, signals: 0, decisions: 0, drops: 0, batches };
}

/**
 * (a0) For reference, the ceiling as a plain ioredis 6 client reaches it: XREADGROUP and XACK
 * commands, same batches and I/O structure as (a). The gap to (a) is what the runner's reader
 * saves on every tick.
 */
export async function drainIoredis(
  redisUrl: string,
  group: string,
  instruments: string[],
  expected: number,
): Promise<DrainResult> {
  const clock = new Stopwatch(expected);
  const options = { lazyConnect: true, maxRetriesPerRequest: null };
  const reader = new Redis(redisUrl, options);
  const writer = new Redis(redisUrl, options);
  await Promise.all([reader.connect(), writer.connect()]);
  const streams = instruments.map(tickStream);
  for (const s of streams) await reader.call('XGROUP', 'CREATE', s, group, '0', 'MKSTREAM');
  const args = ['GROUP', group, 'bare', 'COUNT', READ_COUNT, 'STREAMS', ...streams];
  for (const _ of streams) args.push('>');
  let read = 0;
  let acked = 0;
  let batches = 0;
  let next = reader.call('XREADGROUP', ...args);
  let acking: Promise<unknown> = Promise.resolve();
  while (read < expected) {
    const reply = ((await next) as unknown[] | null) ?? [];
    next = reader.call('XREADGROUP', ...args);
    // RESP3 (ioredis 6) flattens the map reply to [key, entries, key, entries, ...].
    const flat = typeof reply[0] === 'string';
    const acks = writer.pipeline();
    let n = 0;
    for (let i = 0; i < reply.length; i += flat ? 2 : 1) {
      const [key, entries] = (flat ? [reply[i], reply[i + 1]] : reply[i]) as [string, [string][]];
      const ids = entries.map((e) => e[0]);
      n += ids.length;
      acks.xack(key, group, ...ids);
    }
    read += n;
    await acking;
    acking = acks.exec().then(() => {
      acked += n;
      clock.tick(acked);
    });
    batches++;
  }
  await acking;
  await next;
  await Promise.all([reader.quit(), writer.quit()]);
  const { ms, cpuMs, timedTicks } = clock;
  return { ticks: acked, timedTicks, ms, cpuMs, signals: 0, decisions: 0, drops: 0, batches };
}

/** (b) The runner with the fleet's shard config; nothing shed (a backlog is old by definition). */
export async function drainRunner(
  redisUrl: string,
  namespace: string,
  config: ShardConfig,
  predictors: PredictorProvider,
  expected: number,
): Promise<DrainResult> {
  const clock = new Stopwatch(expected);
  let committed = 0;
  let scheduled = false;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const runner = new Runner({
    redisUrl,
    namespace,
    shard: 0,
    consumer: 'bench-runner',
    predictors,
    metrics: new RunnerMetrics(),
    log: silent,
    readCount: READ_COUNT,
    latencyBudgetMs: 1e9,
    startFrom: 'earliest',
    // Called for each tick of a batch once the batch is committed: count them, then read the
    // clock once per batch, when the runner is done recording it.
    onTickLatency: () => {
      committed++;
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        clock.tick(committed);
        if (committed >= expected) finish();
      });
    },
  });
  runner.setConfig(config);
  await runner.start();
  await done;
  await runner.stop();
  const t = runner.totals;
  let decisions = 0;
  for (const s of runner.executor.strategies.values()) decisions += s.counters.decisions;
  return {
    ticks: t.ticks,
    timedTicks: clock.timedTicks,
    ms: clock.ms,
    cpuMs: clock.cpuMs,
    signals: t.signals,
    decisions,
    drops: t.drops,
    batches: t.batches,
  };
}

/** (c) The naive strategies, read and committed exactly as the runner does. */
export async function drainNaive(
  redisUrl: string,
  namespace: string,
  config: ShardConfig,
  predictors: PredictorProvider,
  expected: number,
  maxMs: number,
): Promise<DrainResult> {
  const clock = new Stopwatch(expected);
  const start = performance.now();
  const naive = new NaiveExecutor(config, predictors);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
  await redis.connect();
  const reader = new StreamReader({ url: redisUrl });
  const group = `flotilla:${namespace}:shard-0`;
  const consumer = new TickConsumer({
    redis,
    reader,
    group,
    consumer: 'bench-naive',
    count: READ_COUNT,
    startId: '0',
  });
  for (const instrument of naive.instruments) await consumer.attach(instrument, 0);
  const keys = {
    group,
    shard: 0,
    targetsKey: (s: string) => `flotilla:${namespace}:targets:${s}`,
    deadLetterStream: `flotilla:${namespace}:dlq`,
    signalMaxLen: 100_000,
  };
  let ticks = 0;
  let signals = 0;
  let decisions = 0;
  let batches = 0;
  while (ticks < expected && performance.now() - start < maxMs) {
    const read = await consumer.read();
    if (read.length === 0) continue;
    const result = naive.process(read);
    await commitBatch(redis, read, result, keys);
    ticks += result.ticks;
    signals += result.signals.length;
    decisions += result.decisions;
    batches++;
    clock.tick(ticks);
  }
  await Promise.all([redis.quit(), reader.close()]);
  const { ms, cpuMs, timedTicks } = clock;
  return { ticks, timedTicks, ms, cpuMs, signals, decisions, drops: 0, batches };
}

/** Ticks per second over the timed part of a drain. */
export const rateOf = (r: DrainResult) => (r.timedTicks * 1_000) / r.ms;
