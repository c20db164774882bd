// `flotilla dataset` configuration: flags parsed once into a frozen object. Every problem names
// the flag and the limit; all problems are reported together.

import { basename, extname } from 'node:path';
import { MAX_EDGE } from '../feed/market-params.ts';
import { kebab, numberFlags, parseStartTs } from '../flag-numbers.ts';
import { instrumentProblem } from '../ingest/tick-format.ts';
import { DatasetError } from './errors.ts';
import { type FeatureList, featureList } from './feature-list.ts';

export interface SyntheticTicks {
  kind: 'synthetic';
  instruments: readonly string[];
  /** @default 1 */
  seed: number;
  /** @default 0 (no planted edge) */
  edge: number;
  /** Time of every instrument's first tick, ms since the epoch. @default 1700000000000 */
  startTs: number;
  /** @default 10000 */
  ticksPerInstrument: number;
}

export interface CsvTicks {
  kind: 'csv';
  file: string;
}

export interface DatasetConfig {
  source: SyntheticTicks | CsvTicks;
  features: FeatureList;
  /** Label horizon H in ticks of the row's own instrument. @default 20 */
  horizon: number;
  /** label = fwd_return > cost (a log return). @default 0 */
  cost: number;
  /** The .arrow file to write. */
  out: string;
  /** Rows per record batch of the file. @default 65536 */
  batchRows: number;
  /** Print the summary as one JSON line. @default false */
  json: boolean;
}

/** The flags as commander hands them over (strings, unparsed). */
export interface DatasetFlags {
  ticks?: string;
  synthetic?: boolean;
  instruments?: string;
  ticksPerInstrument?: string;
  seed?: string;
  edge?: string;
  startTs?: string;
  features?: string;
  horizon?: string;
  cost?: string;
  out?: string;
  batchRows?: string;
  json?: boolean;
}

export const DEFAULT_INSTRUMENTS = ['BTC-USD', 'ETH-USD'] as const;
export const DEFAULT_TICKS_PER_INSTRUMENT = 10_000;
/** A fixed default start, so the same flags always give the same file (2023-11-14T22:13:20Z). */
export const DEFAULT_START_TS = 1_700_000_000_000;
export const DEFAULT_HORIZON = 20;
export const MAX_HORIZON = 10_000;
export const MAX_TICKS_PER_INSTRUMENT = 100_000_000;
/** A cost threshold is a log return; beyond +-1 (a factor of e) it is surely a unit mistake. */
export const MAX_COST = 1;
export const MAX_SEED = 2 ** 32 - 1;
export const MAX_BATCH_ROWS = 1_048_576;
export const OUTPUT_EXTENSIONS = ['.arrow', '.feather', '.ipc'] as const;

/** Parses the flags; throws DatasetError (FLT_DATASET_CONFIG) listing every problem. */
export function datasetConfig(
  flags: DatasetFlags,
  readText?: (path: string) => string,
): DatasetConfig {
  const problems: string[] = [];
  const number = numberFlags(problems);
  const intIn = (lo: number, hi: number) => (n: number) =>
    Number.isSafeInteger(n) && n >= lo && n <= hi;

  let source: SyntheticTicks | CsvTicks | undefined;
  const syntheticOnly = ['instruments', 'ticksPerInstrument', 'seed', 'edge', 'startTs'] as const;
  if (flags.ticks !== undefined && flags.synthetic) {
    problems.push('--ticks FILE and --synthetic exclude each other; give one');
  } else if (flags.ticks !== undefined) {
    for (const flag of syntheticOnly)
      if (flags[flag] !== undefined)
        problems.push(`--${kebab(flag)} applies to --synthetic ticks, not to --ticks FILE`);
    source = { kind: 'csv', file: flags.ticks };
  } else if (flags.synthetic) {
    const instruments = (flags.instruments ?? DEFAULT_INSTRUMENTS.join(','))
      .split(',')
      .map((s) => s.trim());
    for (const name of instruments) {
      const problem = instrumentProblem(name);
      if (problem) problems.push(`--instruments: ${problem}`);
    }
    const dupes = instruments.filter((name, i) => instruments.indexOf(name) !== i);
    if (dupes.length > 0) problems.push(`--instruments: ${dupes.join(', ')} listed twice`);
    source = {
      kind: 'synthetic',
      instruments: Object.freeze(instruments),
      seed: number('seed', flags.seed, intIn(0, MAX_SEED), `an integer in [0, ${MAX_SEED}]`) ?? 1,
      edge:
        number(
          'edge',
          flags.edge,
          (n) => n >= 0 && n <= MAX_EDGE,
          `a number in [0, ${MAX_EDGE}]`,
        ) ?? 0,
      startTs: parseStartTs(flags.startTs, DEFAULT_START_TS, problems),
      ticksPerInstrument:
        number(
          'ticks-per-instrument',
          flags.ticksPerInstrument,
          intIn(1, MAX_TICKS_PER_INSTRUMENT),
          `an integer in [1, ${MAX_TICKS_PER_INSTRUMENT}]`,
        ) ?? DEFAULT_TICKS_PER_INSTRUMENT,
    };
  } else {
    problems.push(
      'give --ticks FILE.csv or --synthetic for the ticks to replay (or --from-ledger to export the ledger’s decisions)',
    );
  }

  let features: FeatureList | undefined;
  if (flags.features === undefined)
    problems.push('--features: required; give feature keys k1,k2,... or a Strategy/Model manifest');
  else features = featureList(flags.features, problems, readText);

  const horizon =
    number('horizon', flags.horizon, intIn(1, MAX_HORIZON), `an integer in [1, ${MAX_HORIZON}]`) ??
    DEFAULT_HORIZON;
  const cost =
    number(
      'cost',
      flags.cost,
      (n) => Number.isFinite(n) && Math.abs(n) < MAX_COST,
      `a log return in (-${MAX_COST}, ${MAX_COST}), e.g. 0.0005 for 5 bps`,
    ) ?? 0;
  const batchRows =
    number(
      'batch-rows',
      flags.batchRows,
      intIn(1, MAX_BATCH_ROWS),
      `an integer in [1, ${MAX_BATCH_ROWS}]`,
    ) ?? 65_536;
  if (flags.out === undefined) problems.push('--out: required; the .arrow file to write');
  else if (!(OUTPUT_EXTENSIONS as readonly string[]).includes(extname(flags.out).toLowerCase()))
    problems.push(
      `--out: "${basename(flags.out)}" must end in ${OUTPUT_EXTENSIONS.join(', ')} (an Arrow IPC file, which the trainer reads by extension)`,
    );

  if (problems.length > 0 || source === undefined || features === undefined || !flags.out)
    throw new DatasetError(
      'FLT_DATASET_CONFIG',
      problems.length === 1
        ? (problems[0] as string)
        : `${problems.length} problems with the options:\n${problems.map((p) => `  ${p.replaceAll('\n', '\n    ')}`).join('\n')}`,
    );
  return Object.freeze({
    source: Object.freeze(source),
    features,
    horizon,
    cost,
    out: flags.out,
    batchRows,
    json: flags.json ?? false,
  });
}
