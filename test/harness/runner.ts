// Helpers for runner tests: a runner on the test Redis, waiting until a shard has processed
// every tick, reading signals back, and the offline replay that says what the signals must be.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll } from 'vitest';
import type { ShardConfig } from '../../operator/src/api/shard/shard-config.ts';
import { FeatureStore } from '../../runtime/src/features/feature-store.ts';
import {
  type MarketOptions,
  marketTicks,
  type SyntheticTick,
} from '../../runtime/src/feed/market.ts';
import { publishTicks } from '../../runtime/src/feed/publisher.ts';
import { toEntries, toGroupInfo } from '../../runtime/src/ingest/stream-replies.ts';
import { tickStream } from '../../runtime/src/ingest/tick-format.ts';
import { Runner, type RunnerOptions } from '../../runtime/src/runner/runner.ts';
import { RunnerMetrics } from '../../runtime/src/server/metrics.ts';
import { decodeSignal, signalStream } from '../../runtime/src/signals/signal-format.ts';
import { Executor, type SignalRecord } from '../../runtime/src/strategy/executor.ts';
import { NO_PREDICTORS, type PredictorProvider } from '../../runtime/src/strategy/predictor.ts';
import { eventually } from './eventually.ts';

export const silentLog = pino({ level: 'silent' });

export function testRunner(
  o: Partial<RunnerOptions> & { redisUrl: string; namespace: string },
): Runner {
  return new Runner({
    shard: 0,
    consumer: 'test-runner-0',
    predictors: NO_PREDICTORS,
    metrics: new RunnerMetrics(),
    log: silentLog,
    blockMs: 20,
    // Tests feed ticks before the runner reads them; a backlog that old would otherwise be shed.
    latencyBudgetMs: 3_600_000,
    reportIntervalMs: 100,
    startFrom: 'earliest',
    ...o,
  });
}

/** Waits until the group has read every entry of each stream and has nothing pending. */
export async function waitProcessed(
  redis: Redis,
  group: string,
  instruments: string[],
  timeoutMs = 30_000,
): Promise<void> {
  await eventually(
    `group ${group} to process every tick`,
    async () => {
      for (const instrument of instruments) {
        const stream = tickStream(instrument);
        const info = toGroupInfo(await redis.call('XINFO', 'GROUPS', stream), group);
        if (!info) return undefined;
        const [pending] = (await redis.call('XPENDING', stream, group)) as [number];
        const last = (await redis.call('XINFO', 'STREAM', stream)) as unknown[];
        const lastId = String(last[last.indexOf('last-generated-id') + 1]);
        if (pending > 0 || info.get('last-delivered-id') !== lastId) return undefined;
      }
      return true;
    },
    timeoutMs,
    50,
  );
}

export async function readSignals(
  redis: Redis,
  strategy: string,
): Promise<Record<string, string>[]> {
  return toEntries(await redis.call('XRANGE', signalStream(strategy), '-', '+')).map((e) =>
    decodeSignal(e.fields ?? []),
  );
}

export async function readStream(redis: Redis, instrument: string) {
  return toEntries(await redis.call('XRANGE', tickStream(instrument), '-', '+'));
}

/** What a runner must emit for these ticks: the same executor, offline, one tick at a time. */
export async function replaySignals(
  config: ShardConfig,
  redis: Redis,
  predictors: PredictorProvider = NO_PREDICTORS,
): Promise<SignalRecord[]> {
  const executor = new Executor({ features: new FeatureStore(), predictors });
  executor.apply(config);
  const signals: SignalRecord[] = [];
  for (const instrument of executor.instruments) {
    const stream = tickStream(instrument);
    for (const entry of await readStream(redis, instrument)) {
      const result = await executor.process([{ instrument, stream, entries: [entry] }]);
      signals.push(...result.signals);
    }
  }
  return signals;
}

/** Signals as comparable tuples, per strategy and instrument in stream order. */
export const signalKey = (s: {
  id?: string;
  decisionId?: string;
  instrument?: string;
  entry?: string;
  entryId?: string;
  side?: string;
  units?: string | number;
  target?: { side: number; units: number };
}) =>
  `${s.instrument}|${s.entry ?? s.entryId}|${s.id ?? s.decisionId}|${s.side ?? ['short', 'flat', 'long'][(s.target?.side ?? 0) + 1]}|${s.units ?? s.target?.units}`;

export const newRedis = (url: string) => new Redis(url, { maxRetriesPerRequest: 3 });

/** A client of the suite's redis-server for its tests, quit after them (call at module level). */
export function useRedis(url: string): Redis {
  const redis = newRedis(url);
  afterAll(async () => {
    await redis.quit();
  });
  return redis;
}

/** Instrument names no other test uses. */
export const uniqueInstruments = (...names: string[]) => {
  const tag = randomBytes(3).toString('hex').toUpperCase();
  return names.map((n) => `T${tag}-${n}`);
};

/**
 * Synthetic ticks of the market drawn for `marketNames`, published as `names` (same order). The
 * market is drawn per name, so a test that makes its names unique per run still sees the same
 * ticks in every run.
 */
export function renamedMarket(
  names: readonly string[],
  marketNames: readonly string[],
  options: MarketOptions & { ticksPerInstrument: number },
): SyntheticTick[] {
  const named = new Map(marketNames.map((m, i) => [m, names[i] as string]));
  if (named.size !== names.length || marketNames.length !== names.length)
    throw new Error(`renamedMarket: ${names.join(', ')} need one market name each`);
  return Array.from(marketTicks(marketNames, options), (t) => ({
    ...t,
    instrument: named.get(t.instrument) as string,
  }));
}

/** The name without the tag of uniqueInstruments. */
const untagged = (instrument: string) => instrument.replace(/^T[0-9A-F]{6}-/, '');

/** Publishes seeded synthetic ticks with correlation ids `<instrument>-<seq>`. */
export async function feed(r: Redis, instruments: string[], ticksPerInstrument: number, seed = 1) {
  const market = renamedMarket(instruments, instruments.map(untagged), {
    seed,
    startTs: 1_700_000_000_000,
    ticksPerInstrument,
  });
  const ticks = market.map((t) => ({
    instrument: t.instrument,
    ts: t.ts,
    price: t.price,
    volume: t.volume,
    cid: `${t.instrument}-${t.seq}`,
  }));
  await publishTicks(r, ticks, { rate: 0 });
}
