// `flotilla dataset --from-ledger` configuration: flags parsed once into a frozen object. Every
// problem names the flag and the limit; all problems are reported together. The tick flags of
// `flotilla dataset` do not apply (the ledger holds the features and outcomes already), and the
// ledger flags do not apply without --from-ledger.
import { basename, extname } from 'node:path';
import { kebab, numberFlags } from '../flag-numbers.ts';
import { MAX_TS } from '../ingest/tick-format.ts';
import { type DatasetFlags, MAX_BATCH_ROWS, OUTPUT_EXTENSIONS } from './config.ts';
import { DatasetError } from './errors.ts';
import type { LedgerRange } from './ledger-query.ts';

export interface LedgerDatasetConfig {
  /** ClickHouse of the ledger; never printed (it may hold credentials). @default $CLICKHOUSE_URL */
  clickhouseUrl: string;
  /** Ledger database. @default flotilla */
  database: string;
  /** Which decisions: one strategy or all, decision time in [fromMs, toMs). @default all */
  range: Readonly<LedgerRange>;
  /** The .arrow file to write. */
  out: string;
  /** Rows per record batch of the file. @default 65536 */
  batchRows: number;
  /** Print the summary as one JSON line. @default false */
  json: boolean;
}

/** The flags as commander hands them over (strings, unparsed). */
export interface LedgerDatasetFlags extends DatasetFlags {
  fromLedger?: boolean;
  clickhouseUrl?: string;
  database?: string;
  strategy?: string;
  from?: string;
  to?: string;
}

export const DEFAULT_LEDGER_DATABASE = 'flotilla';
const DATABASE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** A strategy is named by its Strategy's metadata.name (a Kubernetes object name). */
const MAX_STRATEGY_LENGTH = 253;

const LEDGER_ONLY = ['clickhouseUrl', 'database', 'strategy', 'from', 'to'] as const;
/** Tick flags, with why they do not apply to the ledger. */
const TICKS_ONLY: Readonly<Record<string, string>> = {
  ticks: 'the ledger is the source',
  synthetic: 'the ledger is the source',
  instruments: 'the ledger has the instruments its strategies traded',
  ticksPerInstrument: 'the ledger is the source',
  seed: 'the ledger is the source',
  edge: 'the ledger is the source',
  startTs: 'use --from and --to',
  features:
    'the columns are the features the decisions were scored with; pick model inputs with `flotilla train --features`',
  horizon: 'a ledger label covers its position’s whole life',
  cost: 'a ledger label has the position’s own costs inside it',
};

/** Throws DatasetError (FLT_DATASET_CONFIG) when a ledger flag is given without --from-ledger. */
export function checkNoLedgerFlags(flags: LedgerDatasetFlags): void {
  if (flags.fromLedger) return;
  const given = LEDGER_ONLY.filter((f) => flags[f] !== undefined).map((f) => `--${kebab(f)}`);
  if (given.length > 0)
    throw new DatasetError(
      'FLT_DATASET_CONFIG',
      `${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} to --from-ledger only; add --from-ledger to export the ledger's decisions`,
    );
}

/** Parses the flags; throws DatasetError (FLT_DATASET_CONFIG) listing every problem. */
export function ledgerDatasetConfig(
  flags: LedgerDatasetFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LedgerDatasetConfig {
  const problems: string[] = [];
  for (const [flag, why] of Object.entries(TICKS_ONLY))
    if (flags[flag as keyof DatasetFlags] !== undefined)
      problems.push(`--${kebab(flag)} does not apply to --from-ledger: ${why}`);

  const url = flags.clickhouseUrl ?? env.CLICKHOUSE_URL;
  if (url === undefined || url === '')
    problems.push(
      '--clickhouse-url: required; pass the ledger ClickHouse URL or set CLICKHOUSE_URL',
    );
  else if (!isHttpUrl(url))
    problems.push('--clickhouse-url: not an http:// or https:// URL (the ClickHouse HTTP port)');

  const database = flags.database ?? DEFAULT_LEDGER_DATABASE;
  if (!DATABASE.test(database))
    problems.push(
      `--database: "${database}" is not letters, digits and _ (at most 63, not starting with a digit)`,
    );
  const strategy = flags.strategy;
  if (strategy !== undefined && (strategy.trim() === '' || strategy.length > MAX_STRATEGY_LENGTH))
    problems.push(
      `--strategy: "${strategy}" is not a strategy name (1 to ${MAX_STRATEGY_LENGTH} characters)`,
    );
  const fromMs = parseTime('from', flags.from, problems);
  const toMs = parseTime('to', flags.to, problems);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs)
    problems.push(`--to: ${flags.to} is not after --from ${flags.from} (the range is [from, to))`);

  const batchRows =
    numberFlags(problems)(
      'batch-rows',
      flags.batchRows,
      (n) => Number.isSafeInteger(n) && n >= 1 && n <= MAX_BATCH_ROWS,
      `an integer in [1, ${MAX_BATCH_ROWS}]`,
    ) ?? 65_536;
  if (flags.out === undefined) problems.push('--out: required; the .arrow file to write');
  else if (!(OUTPUT_EXTENSIONS as readonly string[]).includes(extname(flags.out).toLowerCase()))
    problems.push(
      `--out: "${basename(flags.out)}" must end in ${OUTPUT_EXTENSIONS.join(', ')} (an Arrow IPC file, which the trainer reads by extension)`,
    );

  if (problems.length > 0 || !url || !flags.out)
    throw new DatasetError(
      'FLT_DATASET_CONFIG',
      problems.length === 1
        ? (problems[0] as string)
        : `${problems.length} problems with the options:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  const range: LedgerRange = {};
  if (strategy !== undefined) range.strategy = strategy;
  if (fromMs !== undefined) range.fromMs = fromMs;
  if (toMs !== undefined) range.toMs = toMs;
  return Object.freeze({
    clickhouseUrl: url,
    database,
    range: Object.freeze(range),
    out: flags.out,
    batchRows,
    json: flags.json ?? false,
  });
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** --from / --to: ms since the epoch, or an ISO 8601 time such as 2026-01-02T09:30:00Z. */
function parseTime(flag: string, text: string | undefined, problems: string[]): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  const ms = /^[0-9]+$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  if (Number.isSafeInteger(ms) && ms >= 0 && ms <= MAX_TS) return ms;
  problems.push(
    `--${flag}: "${text}" is not ms since the epoch (0 to ${MAX_TS}) or an ISO 8601 time`,
  );
  return undefined;
}
