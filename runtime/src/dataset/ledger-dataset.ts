// `flotilla dataset --from-ledger` as a function: read the ledger's decisions with their outcomes
// and fills (ledger-query.ts), turn them into rows (ledger-rows.ts, pure), and write the same
// Arrow dataset contract `flotilla dataset` writes from ticks, so `flotilla train` reads it
// unchanged. The command in cli/commands/dataset.ts only parses flags and prints.
import type { FeatureParams } from '../../../operator/src/api/v1alpha1/feature-catalog.ts';
import { FEATURE_VERSIONS } from '../features/registry.ts';
import { DatasetFileWriter, type DatasetMetadata, type WrittenFile } from './arrow-file.ts';
import type { DatasetRow } from './builder.ts';
import { parseFeatureKey } from './feature-list.ts';
import type { LedgerDatasetConfig } from './ledger-config.ts';
import { LEDGER_COST_THRESHOLD } from './ledger-labels.ts';
import { ledgerReadClient, readLedgerExamples } from './ledger-query.ts';
import { LedgerRowCollector, type LedgerRows } from './ledger-rows.ts';

export interface LedgerDatasetSummary {
  out: string;
  rows: number;
  bytes: number;
  database: string;
  /** The strategies whose decisions are in the file. */
  strategies: readonly string[];
  /** Decisions with an outcome read from the ledger. */
  examples: number;
  /** ...left out: their position's fills are not both in the ledger. */
  skipped: number;
  longs: number;
  shorts: number;
  /** Share of rows with label 1. */
  baseRate: number;
  /** Mean realized R-multiple of the rows' positions. */
  meanR: number;
  featureKeys: readonly string[];
  featureSetHash: string;
  /** `flotilla.label_horizon`: rows of an instrument the trainer purges before its window. */
  horizon: number;
  /** ts_ms of the first and last row. */
  fromTs: number;
  toTs: number;
  elapsedMs: number;
}

export interface LedgerDatasetIo {
  now?: () => number;
}

/** The schema metadata of a ledger dataset (same keys as a tick dataset's). */
export function ledgerDatasetMetadata(
  config: LedgerDatasetConfig,
  rows: LedgerRows,
): DatasetMetadata {
  const keys = rows.features.keys;
  return {
    featureKeys: keys,
    featureSetHash: rows.features.featureSet,
    featureVersions: Object.fromEntries(
      keys.map((k) => [k, FEATURE_VERSIONS[(parseFeatureKey(k) as FeatureParams).name]]),
    ),
    horizon: rows.horizon,
    cost: LEDGER_COST_THRESHOLD,
    source: ledgerSourceNote(config, rows.features.strategies),
  };
}

/** `flotilla.source`: the database, strategies and range, never the URL (it may hold credentials). */
export function ledgerSourceNote(
  config: LedgerDatasetConfig,
  strategies: readonly string[],
): string {
  const r = config.range;
  const at = (ms: number | undefined, open: string) =>
    ms === undefined ? open : new Date(ms).toISOString();
  return `flotilla dataset --from-ledger: database ${config.database}, strategies ${strategies.join(',')}, decisions from ${at(r.fromMs, 'the first')} to ${at(r.toMs, 'the last')}; label = long net log return over the position's life > 0`;
}

/** Writes rows (in file order) to `out`; nothing is left at `out` on failure. */
export async function writeRows(
  out: string,
  meta: DatasetMetadata,
  rows: readonly DatasetRow[],
  batchRows: number,
): Promise<WrittenFile> {
  const writer = new DatasetFileWriter(out, meta, batchRows);
  try {
    for (const row of rows) if (writer.append(row)) await writer.flush();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return writer.close();
}

export async function runLedgerDataset(
  config: LedgerDatasetConfig,
  io: LedgerDatasetIo = {},
): Promise<LedgerDatasetSummary> {
  const now = io.now ?? (() => performance.now());
  const started = now();
  const collector = new LedgerRowCollector();
  const client = ledgerReadClient(config.clickhouseUrl);
  try {
    await readLedgerExamples(client, config.database, config.range, (e) => collector.add(e));
  } finally {
    await client.close();
  }
  const result = collector.finish();
  const meta = ledgerDatasetMetadata(config, result);
  const file = await writeRows(config.out, meta, result.rows, config.batchRows);
  const c = result.counts;
  return {
    out: config.out,
    rows: file.rows,
    bytes: file.bytes,
    database: config.database,
    strategies: result.features.strategies,
    examples: c.examples,
    skipped: c.skipped,
    longs: c.longs,
    shorts: c.shorts,
    baseRate: c.positives / c.rows,
    meanR: c.rSum / c.rows,
    featureKeys: meta.featureKeys,
    featureSetHash: meta.featureSetHash,
    horizon: result.horizon,
    fromTs: (result.rows[0] as DatasetRow).ts,
    toTs: (result.rows[result.rows.length - 1] as DatasetRow).ts,
    elapsedMs: now() - started,
  };
}

export function formatLedgerSummary(s: LedgerDatasetSummary): string {
  return [
    `dataset: wrote ${s.out}: ${s.rows} rows, ${s.featureKeys.length} features, ${s.bytes} bytes in ${(s.elapsedMs / 1000).toFixed(2)} s`,
    `  ledger      database ${s.database}, strategies ${s.strategies.join(', ')}; ${s.examples} decisions with an outcome, ${s.skipped} without both fills (left out)`,
    `  rows        ${new Date(s.fromTs).toISOString()} .. ${new Date(s.toTs).toISOString()}; ${s.longs} long, ${s.shorts} short; mean R ${s.meanR.toFixed(3)}`,
    `  label       long net log return over the position's life > 0; base rate ${s.baseRate.toFixed(4)}; purge horizon ${s.horizon} rows`,
    `  features    ${s.featureKeys.join(', ')} (feature-set hash ${s.featureSetHash})`,
  ].join('\n');
}

export function ledgerSummaryJson(s: LedgerDatasetSummary): string {
  return JSON.stringify({ ...s, elapsedMs: Math.round(s.elapsedMs) });
}
