// `flotilla local up` options: flags parsed once into a frozen object. Every problem names the
// flag and the limit; all problems are reported together.
import { resolve } from 'node:path';
import { durationMs } from '../../operator/src/api/duration.ts';
import { MAX_EDGE } from '../../runtime/src/feed/market-params.ts';
import { numberFlags } from '../../runtime/src/flag-numbers.ts';
import { defaultClusterDir } from '../local-kube.ts';
import { LocalUpError } from './errors.ts';

export interface LocalUpConfig {
  /** How long ticks are fed, ms. @default 60000 (60s) */
  readonly durationMs: number;
  /** The local cluster's directory (`flotilla local kubectl --dir` takes the same). @default defaultClusterDir() */
  readonly dir: string;
  /** Strength of the planted momentum edge in the synthetic market. @default 0.3 */
  readonly edge: number;
  /** Ticks per second across every instrument. @default 1000 */
  readonly rate: number;
  /** Where report.html and summary.json go. @default ./out */
  readonly outDir: string;
  /** Seed of the synthetic market: the one the example models were trained on. @default 7 */
  readonly seed: number;
}

/** The flags as commander hands them over (strings, unparsed). */
export interface LocalUpFlags {
  duration?: string;
  dir?: string;
  edge?: string;
  rate?: string;
  out?: string;
}

export const DEFAULT_DURATION = '60s';
export const MIN_DURATION_MS = 1_000;
export const MAX_DURATION_MS = 24 * 3_600_000;
export const DEFAULT_EDGE = 0.3;
export const DEFAULT_RATE = 1_000;
export const MAX_RATE = 50_000;
export const DEMO_SEED = 7;

/** Parses the flags; throws LocalUpError (FLT_LOCAL_UP_CONFIG) listing every problem. */
export function localUpConfig(flags: LocalUpFlags, cwd: string = process.cwd()): LocalUpConfig {
  const problems: string[] = [];
  const number = numberFlags(problems);
  const duration = parseDuration(flags.duration ?? DEFAULT_DURATION, problems);
  const edge = number(
    'edge',
    flags.edge ?? String(DEFAULT_EDGE),
    (n) => n >= 0 && n <= MAX_EDGE,
    `a number in [0, ${MAX_EDGE}]`,
  );
  const rate = number(
    'rate',
    flags.rate ?? String(DEFAULT_RATE),
    (n) => n >= 1 && n <= MAX_RATE,
    `a number of ticks per second in [1, ${MAX_RATE}]`,
  );
  for (const flag of ['dir', 'out'] as const)
    if (flags[flag]?.trim() === '') problems.push(`--${flag}: must not be empty`);
  if (problems.length > 0 || duration === undefined || edge === undefined || rate === undefined)
    throw new LocalUpError(
      'FLT_LOCAL_UP_CONFIG',
      problems.length === 1
        ? (problems[0] as string)
        : `${problems.length} problems with the options:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  return Object.freeze({
    durationMs: duration,
    dir: resolve(cwd, flags.dir ?? defaultClusterDir()),
    edge,
    rate,
    outDir: resolve(cwd, flags.out ?? 'out'),
    seed: DEMO_SEED,
  });
}

/** --duration: a Go-style duration ("20s", "2m") from 1s to 24h. */
export function parseDuration(text: string, problems: string[]): number | undefined {
  let ms: number;
  try {
    ms = durationMs(text.trim());
  } catch (err) {
    problems.push(`--duration: ${(err as Error).message}`);
    return undefined;
  }
  if (ms < MIN_DURATION_MS) {
    problems.push(`--duration: "${text}" is below the minimum 1s`);
    return undefined;
  }
  if (ms > MAX_DURATION_MS) {
    problems.push(`--duration: "${text}" is above the maximum 24h`);
    return undefined;
  }
  return ms;
}
