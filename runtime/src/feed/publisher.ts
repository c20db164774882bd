// Publishes ticks to their `ticks:<instrument>` streams: XADD in pipelines of up to batchSize
// commands on one connection (so each stream receives its ticks in source order), paced to a
// total rate by a token bucket on the monotonic clock. Rate 0 sends pipelines back to back.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { encodeTick, type Tick, tickStream } from '../ingest/tick-format.ts';
import { FeedError } from './errors.ts';

/** A tick and the instrument whose stream it goes to. */
export interface FeedTick extends Tick {
  instrument: string;
}

export interface PublishOptions {
  /** Total ticks per second across instruments; 0 publishes as fast as Redis takes them. */
  rate: number;
  /** XADD commands per pipeline at most. @default 1000 */
  batchSize?: number;
  /** Trim each stream to about this many entries (`MAXLEN ~`). @default no trimming */
  maxlen?: number;
  /** Stop after this long (ms of wall time). @default no limit */
  durationMs?: number;
  /** Stop (after the pipeline in flight) when aborted. */
  signal?: AbortSignal;
  /** Called at most every progressEveryMs with the counts so far. */
  onProgress?: (progress: PublishProgress) => void;
  /** @default 5000 */
  progressEveryMs?: number;
  /** A monotonic clock in ms. @default performance.now */
  now?: () => number;
}

export interface PublishProgress {
  total: number;
  elapsedMs: number;
}

export interface PublishResult {
  /** Ticks published per instrument, in order of first appearance. */
  published: Record<string, number>;
  total: number;
  elapsedMs: number;
  /** total / elapsed seconds. */
  ratePerSecond: number;
  /** Why publishing stopped: the source ended, the duration passed, or the signal aborted. */
  stoppedBy: 'end' | 'duration' | 'signal';
}

/** How long a paced publisher waits to gather a pipeline: at most this many ms of ticks. */
const GATHER_MS = 5;
/** How far behind schedule a paced publisher may fall and still catch up. */
const BURST_MS = 250;

export async function publishTicks(
  redis: Redis,
  source: Iterable<FeedTick> | AsyncIterable<FeedTick>,
  options: PublishOptions,
): Promise<PublishResult> {
  const { rate, maxlen, durationMs, signal, onProgress } = options;
  const batchSize = options.batchSize ?? 1000;
  const progressEveryMs = options.progressEveryMs ?? 5000;
  const now = options.now ?? (() => performance.now());
  if (!(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`rate: ${rate} must be >= 0`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize: ${batchSize} must be a positive integer`);

  const iterator =
    Symbol.asyncIterator in source
      ? source[Symbol.asyncIterator]()
      : (source as Iterable<FeedTick>)[Symbol.iterator]();
  const trim = maxlen === undefined ? [] : ['MAXLEN', '~', String(maxlen)];
  const streams = new Map<string, string>();
  const counts = new Map<string, number>();
  let total = 0;

  const start = now();
  const deadline = durationMs === undefined ? Number.POSITIVE_INFINITY : start + durationMs;
  let nextProgress = start + progressEveryMs;
  // Token bucket: `tokens` ticks may be sent now; it refills at `rate` per second up to
  // BURST_MS worth (at least one pipeline), so a short stall is caught up but a long one is not.
  // A paced publisher waits for GATHER_MS worth of tokens, so pipelines stay short at low rates
  // and full at high ones.
  const gather =
    rate > 0 ? Math.min(batchSize, Math.max(1, Math.floor((rate * GATHER_MS) / 1000))) : 0;
  const capacity = Math.max(batchSize, (rate * BURST_MS) / 1000);
  let tokens = rate > 0 ? 1 : Number.POSITIVE_INFINITY;
  let refilled = start;
  let stoppedBy: PublishResult['stoppedBy'] = 'end';
  let done = false;
  let inFlight: Promise<void> | undefined;

  while (!done) {
    if (signal?.aborted) {
      stoppedBy = 'signal';
      break;
    }
    const t = now();
    if (t >= deadline) {
      stoppedBy = 'duration';
      break;
    }
    if (rate > 0) {
      tokens = Math.min(capacity, tokens + ((t - refilled) * rate) / 1000);
      refilled = t;
      if (tokens < gather) {
        const wait = Math.min(((gather - tokens) * 1000) / rate, deadline - t);
        await sleep(Math.max(1, wait), undefined, { signal }).catch(() => undefined);
        continue;
      }
    }

    const want = Math.min(batchSize, Math.floor(tokens));
    const pipeline = redis.pipeline();
    const batch: string[] = [];
    while (batch.length < want) {
      let step = iterator.next();
      if (step instanceof Promise) step = await step;
      if (step.done) {
        done = true;
        break;
      }
      const tick = step.value;
      let stream = streams.get(tick.instrument);
      if (stream === undefined) {
        stream = tickStream(tick.instrument);
        streams.set(tick.instrument, stream);
      }
      pipeline.xadd(stream, ...trim, '*', ...encodeTick(tick));
      batch.push(tick.instrument);
    }
    if (batch.length === 0) break;
    tokens -= batch.length;

    // Two pipelines in flight: the next one is built while Redis answers this one. Both go
    // over one connection, so the streams still receive ticks in source order.
    const sent = pipeline.exec().then(
      (replies) => {
        for (const [i, reply] of (replies ?? []).entries()) {
          if (reply[0]) throw redisFailure(reply[0], total + i, batch[i]);
          const instrument = batch[i] as string;
          counts.set(instrument, (counts.get(instrument) ?? 0) + 1);
        }
        total += batch.length;
      },
      (err: unknown) => {
        throw redisFailure(err, total);
      },
    );
    sent.catch(() => undefined); // awaited below; this only keeps it from counting as unhandled
    if (inFlight) await inFlight;
    inFlight = sent;

    const after = now();
    if (onProgress && after >= nextProgress) {
      onProgress({ total, elapsedMs: after - start });
      nextProgress = after + progressEveryMs;
    }
  }
  if (inFlight) await inFlight;
  if (stoppedBy !== 'end') await iterator.return?.();

  const elapsedMs = now() - start;
  return {
    published: Object.fromEntries(counts),
    total,
    elapsedMs,
    ratePerSecond: elapsedMs > 0 ? (total * 1000) / elapsedMs : 0,
    stoppedBy,
  };
}

function redisFailure(err: unknown, published: number, instrument?: string): FeedError {
  const what = err instanceof Error ? err.message : String(err);
  const where = instrument === undefined ? '' : ` (XADD to ${tickStream(instrument)})`;
  return new FeedError(
    'FLT_FEED_REDIS',
    `Redis rejected a tick${where}: ${what}; ${published} ticks were published before it`,
    { cause: err },
  );
}
