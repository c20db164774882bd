// `flotilla feed` as a function: connect, pick the source, publish, summarize. The command in
// cli/commands/feed.ts only parses flags, wires signals and prints.
import { Redis } from 'ioredis';
import type { FeedConfig, SyntheticSource } from './config.ts';
import { checkCsv, csvFile, csvTicks } from './csv-source.ts';
import { FeedError } from './errors.ts';
import { marketTicks } from './market.ts';
import { marketParams } from './market-params.ts';
import { type FeedTick, type PublishResult, publishTicks } from './publisher.ts';

export interface FeedSummary extends PublishResult {
  source: 'synthetic' | 'csv';
}

export interface FeedIo {
  /** Sparse progress lines (stderr). */
  log: (line: string) => void;
  /** Aborting stops the feed after the pipeline in flight; the summary is still returned. */
  signal?: AbortSignal;
}

/** The synthetic ticks a source describes, as published: cid `<instrument>-<seq>`. */
export function* syntheticFeedTicks(source: SyntheticSource): Generator<FeedTick> {
  const ticks = marketTicks(source.instruments, {
    seed: source.seed,
    startTs: source.startTs,
    params: marketParams({ edge: source.edge }),
    ...(source.ticksPerInstrument === undefined
      ? {}
      : { ticksPerInstrument: source.ticksPerInstrument }),
  });
  for (const t of ticks)
    yield {
      instrument: t.instrument,
      ts: t.ts,
      price: t.price,
      volume: t.volume,
      cid: `${t.instrument}-${t.seq}`,
    };
}

export async function runFeed(config: FeedConfig, io: FeedIo): Promise<FeedSummary> {
  const { source } = config;
  let ticks: Iterable<FeedTick> | AsyncIterable<FeedTick>;
  if (source.kind === 'csv') {
    // A first pass checks every row, so a bad file publishes nothing (and reports all it can).
    const input = csvFile(source.file);
    const check = await checkCsv(input);
    if (check.problemCount > 0) {
      const more = check.problemCount - check.problems.length;
      throw new FeedError(
        'FLT_FEED_CSV',
        `${source.file}: ${check.problemCount} ${check.problemCount === 1 ? 'problem' : 'problems'}; nothing was published\n${check.problems
          .map((p) => `  ${p}`)
          .join('\n')}${more > 0 ? `\n  ... and ${more} more` : ''}`,
      );
    }
    io.log(
      `feed: ${source.file}: ${check.rows} ticks for ${check.instruments.size} instruments checked`,
    );
    ticks = csvTicks(input);
  } else {
    ticks = syntheticFeedTicks(source);
  }

  const redis = await connect(config.redisUrl);
  try {
    io.log(
      `feed: publishing ${source.kind === 'csv' ? source.file : source.instruments.join(',')} to ${safeUrl(config.redisUrl)} at ${config.rate > 0 ? `${config.rate} ticks/s` : 'full speed'}`,
    );
    const result = await publishTicks(redis, ticks, {
      rate: config.rate,
      ...(config.maxlen === undefined ? {} : { maxlen: config.maxlen }),
      ...(config.durationMs === undefined ? {} : { durationMs: config.durationMs }),
      ...(io.signal ? { signal: io.signal } : {}),
      onProgress: ({ total, elapsedMs }) =>
        io.log(
          `feed: ${total} ticks in ${(elapsedMs / 1000).toFixed(1)} s (${Math.round((total * 1000) / elapsedMs)}/s)`,
        ),
    });
    return { source: source.kind, ...result };
  } finally {
    redis.disconnect();
  }
}

/** One line for people: per-instrument counts, elapsed time and achieved rate. */
export function formatSummary(s: FeedSummary): string {
  const counts = Object.entries(s.published)
    .map(([instrument, n]) => `${instrument}=${n}`)
    .join(' ');
  const stopped = s.stoppedBy === 'end' ? '' : ` (stopped by ${s.stoppedBy})`;
  return `published ${s.total} ticks in ${(s.elapsedMs / 1000).toFixed(3)} s at ${Math.round(s.ratePerSecond)} ticks/s${stopped}: ${counts || 'none'}`;
}

/** The summary as one JSON object. */
export function summaryJson(s: FeedSummary): string {
  return JSON.stringify({
    source: s.source,
    published: s.published,
    total: s.total,
    elapsedMs: Math.round(s.elapsedMs),
    ratePerSecond: Math.round(s.ratePerSecond),
    stoppedBy: s.stoppedBy,
  });
}

/** A connected client that fails fast: no reconnecting, so a lost server ends the feed. */
async function connect(url: string): Promise<Redis> {
  let lastError: Error | undefined;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new FeedError(
      'FLT_FEED_REDIS',
      `cannot connect to Redis at ${safeUrl(url)}: ${(lastError ?? (err as Error)).message}; check --redis-url (or $REDIS_URL) and that the server is up`,
      { cause: lastError ?? err },
    );
  }
}

/** The URL without its password. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
