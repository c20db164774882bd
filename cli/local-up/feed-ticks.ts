// Feeds the seeded synthetic market (the generator and publisher of `flotilla feed`) over the
// fleet's instruments for the run's duration while the progress redraws, then lets the runners
// finish what they read: progress keeps updating until their counters stop moving.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { syntheticFeedTicks } from '../../runtime/src/feed/feed.ts';
import { type FeedTick, publishTicks } from '../../runtime/src/feed/publisher.ts';
import type { ProgressDisplay } from './progress/display.ts';
import { progressLines, type StrategyProgress } from './progress/format.ts';
import { activity, watchProgress } from './progress/watch.ts';

export interface FeedOptions {
  redis: Redis;
  instruments: readonly string[];
  durationMs: number;
  rate: number;
  edge: number;
  seed: number;
  /** Aborting stops the feed early; the run still drains and reports. */
  signal: AbortSignal;
  display: ProgressDisplay;
  readProgress: (fedByInstrument: ReadonlyMap<string, number>) => Promise<StrategyProgress[]>;
  /** How often the progress is read. @default 1000 */
  everyMs?: number;
  /** Longest wait for the runners after the feed stops. @default 20000 */
  drainMs?: number;
}

export interface FeedOutcome {
  ticksFed: number;
  elapsedMs: number;
  stoppedBy: 'end' | 'duration' | 'signal';
  /** Wall time the feed started, epoch ms. */
  startedAt: number;
}

/** Yields the source's ticks, counting each instrument's as it goes. */
function* counted(source: Iterable<FeedTick>, counts: Map<string, number>): Generator<FeedTick> {
  for (const tick of source) {
    counts.set(tick.instrument, (counts.get(tick.instrument) ?? 0) + 1);
    yield tick;
  }
}

export async function feedWithProgress(o: FeedOptions): Promise<FeedOutcome> {
  const fed = new Map<string, number>();
  const startedAt = Date.now();
  const start = performance.now();
  let draining = false;
  let total = 0;
  const frame = () => ({
    elapsedMs: draining ? o.durationMs : performance.now() - start,
    durationMs: o.durationMs,
    ticksFed: draining ? total : [...fed.values()].reduce((a, b) => a + b, 0),
    draining,
  });
  const watch = watchProgress({
    read: () => o.readProgress(fed),
    display: o.display,
    frame,
    everyMs: o.everyMs ?? 1_000,
  });
  const ticks = syntheticFeedTicks({
    kind: 'synthetic',
    instruments: o.instruments,
    seed: o.seed,
    edge: o.edge,
    startTs: startedAt,
  });
  try {
    const result = await publishTicks(o.redis, counted(ticks, fed), {
      rate: o.rate,
      durationMs: o.durationMs,
      signal: o.signal,
    });
    total = result.total;
    draining = true;
    if (!o.signal.aborted) await drain(watch.latest, o.drainMs ?? 20_000, o.everyMs ?? 1_000);
    return { ticksFed: total, elapsedMs: result.elapsedMs, stoppedBy: result.stoppedBy, startedAt };
  } finally {
    await watch.stop();
    o.display.finish(progressLines({ ...frame(), strategies: watch.latest() }));
  }
}

/** Waits until two reads in a row show no new decisions, signals or trades, at most `maxMs`. */
async function drain(
  latest: () => readonly StrategyProgress[],
  maxMs: number,
  everyMs: number,
): Promise<void> {
  const deadline = performance.now() + maxMs;
  let last = activity(latest());
  let still = 0;
  while (performance.now() < deadline && still < 2) {
    await sleep(everyMs);
    const now = activity(latest());
    still = now === last ? still + 1 : 0;
    last = now;
  }
}
