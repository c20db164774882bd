// `flotilla feed` configuration: flags and environment parsed once into a frozen object.
// Every problem names the flag and the limit; all problems are reported together.

import { durationMs } from '../../../operator/src/api/duration.ts';
import { kebab, numberFlags, parseStartTs } from '../flag-numbers.ts';
import { instrumentProblem } from '../ingest/tick-format.ts';
import { FeedError } from './errors.ts';
import { MAX_EDGE } from './market-params.ts';

export interface SyntheticSource {
  kind: 'synthetic';
  instruments: readonly string[];
  /** @default 1 */
  seed: number;
  /** @default 0 (no planted edge) */
  edge: number;
  /** Time of every instrument's first tick, ms since the epoch. @default the time feed starts */
  startTs: number;
  /** Ticks per instrument. @default unlimited (then --duration or a signal stops the feed) */
  ticksPerInstrument?: number;
}

export interface CsvSource {
  kind: 'csv';
  file: string;
}

export interface FeedConfig {
  /** @default $REDIS_URL, else redis://127.0.0.1:6379 */
  redisUrl: string;
  source: SyntheticSource | CsvSource;
  /** Total ticks per second across instruments; 0 = as fast as possible. @default 0 */
  rate: number;
  /** Stop after this many ms of publishing. @default no limit */
  durationMs?: number;
  /** Approximate MAXLEN each stream is trimmed to. @default no trimming */
  maxlen?: number;
  /** Print the final summary as one JSON line. @default false */
  json: boolean;
}

/** The flags as commander hands them over (strings, unparsed). */
export interface FeedFlags {
  redisUrl?: string;
  instruments?: string;
  ticks?: string;
  duration?: string;
  rate?: string;
  seed?: string;
  edge?: string;
  csv?: string;
  maxlen?: string;
  startTs?: string;
  json?: boolean;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const MAX_SEED = 2 ** 32 - 1;

/** Parses the flags; throws FeedError (FLT_FEED_CONFIG) listing every problem. */
export function feedConfig(
  flags: FeedFlags,
  env: Record<string, string | undefined> = process.env,
  nowMs: number = Date.now(),
): FeedConfig {
  const problems: string[] = [];
  const number = numberFlags(problems);
  const positiveInt = (n: number) => Number.isSafeInteger(n) && n >= 1;

  const redisUrl = flags.redisUrl ?? env.REDIS_URL ?? DEFAULT_REDIS_URL;
  if (!/^rediss?:\/\//.test(redisUrl))
    problems.push(`--redis-url: "${redisUrl}" must start with redis:// or rediss://`);
  const rateFlag = flags.rate ?? '0';
  const rate = number('rate', rateFlag, (n) => Number.isFinite(n) && n >= 0, 'a number >= 0');
  const maxlen = number('maxlen', flags.maxlen, positiveInt, 'a positive integer');
  let duration: number | undefined;
  if (flags.duration !== undefined) {
    try {
      duration = durationMs(flags.duration);
      if (!(duration > 0)) throw new Error(`"${flags.duration}" is not above 0`);
    } catch (err) {
      problems.push(`--duration: ${(err as Error).message}`);
    }
  }

  let source: SyntheticSource | CsvSource | undefined;
  if (flags.csv !== undefined) {
    if (flags.instruments !== undefined)
      problems.push('--csv and --instruments exclude each other');
    for (const flag of ['ticks', 'seed', 'edge', 'startTs'] as const)
      if (flags[flag] !== undefined)
        problems.push(`--${kebab(flag)} applies to synthetic ticks (--instruments), not to --csv`);
    source = { kind: 'csv', file: flags.csv };
  } else if (flags.instruments === undefined) {
    problems.push('give --instruments A,B,... for synthetic ticks or --csv FILE');
  } else {
    const instruments = flags.instruments.split(',').map((s) => s.trim());
    for (const name of instruments) {
      const problem = instrumentProblem(name);
      if (problem) problems.push(`--instruments: ${problem}`);
    }
    const dupes = instruments.filter((name, i) => instruments.indexOf(name) !== i);
    if (dupes.length > 0) problems.push(`--instruments: ${dupes.join(', ')} listed twice`);
    const ticks = number('ticks', flags.ticks, positiveInt, 'a positive integer');
    if (rate === 0 && ticks === undefined && duration === undefined)
      problems.push('--rate 0 (as fast as possible) needs --ticks or --duration to end');
    source = {
      kind: 'synthetic',
      instruments: Object.freeze(instruments),
      seed:
        number(
          'seed',
          flags.seed,
          (n) => Number.isInteger(n) && n >= 0 && n <= MAX_SEED,
          `an integer in [0, ${MAX_SEED}]`,
        ) ?? 1,
      edge:
        number(
          'edge',
          flags.edge,
          (n) => n >= 0 && n <= MAX_EDGE,
          `a number in [0, ${MAX_EDGE}]`,
        ) ?? 0,
      startTs: parseStartTs(flags.startTs, Math.floor(nowMs), problems),
      ...(ticks === undefined ? {} : { ticksPerInstrument: ticks }),
    };
  }

  if (problems.length > 0 || source === undefined || rate === undefined)
    throw new FeedError(
      'FLT_FEED_CONFIG',
      problems.length === 1
        ? (problems[0] as string)
        : `${problems.length} problems with the options:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  return Object.freeze({
    redisUrl,
    source: Object.freeze(source),
    rate,
    json: flags.json ?? false,
    ...(duration === undefined ? {} : { durationMs: duration }),
    ...(maxlen === undefined ? {} : { maxlen }),
  });
}
