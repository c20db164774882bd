// `flotilla dataset` as a function: replay ticks (synthetic or a CSV file) through the feature
// store, label each row with its forward return, and write the Arrow file. The command in
// cli/commands/dataset.ts only parses flags and prints.
import { basename } from 'node:path';
import { featureSetHash } from '../features/feature-set-hash.ts';
import { FEATURE_VERSIONS } from '../features/registry.ts';
import { csvFile, csvTicks } from '../feed/csv-source.ts';
import { marketTicks } from '../feed/market.ts';
import { marketParams } from '../feed/market-params.ts';
import { DatasetFileWriter, type DatasetMetadata } from './arrow-file.ts';
import { DatasetBuilder, type DatasetRow } from './builder.ts';
import type { DatasetConfig, SyntheticTicks } from './config.ts';
import { DatasetError } from './errors.ts';

export interface DatasetSummary {
  out: string;
  rows: number;
  bytes: number;
  ticks: number;
  instruments: number;
  /** Ticks without a row: a feature was not yet defined. */
  warmupTicks: number;
  /** Rows dropped at the end: fewer than H later ticks of their instrument. */
  unlabeled: number;
  rejectedTicks: number;
  /** Share of rows with label 1. */
  baseRate: number;
  featureKeys: readonly string[];
  featureSetHash: string;
  horizon: number;
  cost: number;
  /** ts_ms of the first and last row. */
  fromTs: number;
  toTs: number;
  elapsedMs: number;
}

export interface DatasetIo {
  /** Sparse progress lines (stderr). */
  log: (line: string) => void;
  /** Monotonic clock in ms, for the summary's rate. @default performance.now */
  now?: () => number;
}

interface Tick {
  instrument: string;
  ts: number;
  price: number;
  volume: number;
}

/** How often (in ticks) finished rows move from the builder to the file. */
const TAKE_EVERY = 4096;
const PROGRESS_EVERY = 1 << 20;

/** The schema metadata of a dataset of `config`. */
export function datasetMetadata(config: DatasetConfig): DatasetMetadata {
  const keys = config.features.keys;
  return {
    featureKeys: keys,
    featureSetHash: featureSetHash(keys),
    featureVersions: Object.fromEntries(
      config.features.params.map((p, i) => [keys[i] as string, FEATURE_VERSIONS[p.name]]),
    ),
    horizon: config.horizon,
    cost: config.cost,
    source: sourceNote(config),
  };
}

/** `flotilla.source`: where the ticks came from (no machine paths: the bytes stay portable). */
export function sourceNote(config: DatasetConfig): string {
  const s = config.source;
  if (s.kind === 'csv') return `flotilla dataset: ticks from ${basename(s.file)}`;
  return `flotilla dataset: synthetic market, instruments ${s.instruments.join(',')}, ${s.ticksPerInstrument} ticks each, seed ${s.seed}, edge ${s.edge}, start ${new Date(s.startTs).toISOString()}`;
}

export function syntheticTicks(s: SyntheticTicks): Iterable<Tick> {
  return marketTicks(s.instruments, {
    seed: s.seed,
    startTs: s.startTs,
    ticksPerInstrument: s.ticksPerInstrument,
    params: marketParams({ edge: s.edge }),
  });
}

export async function runDataset(config: DatasetConfig, io: DatasetIo): Promise<DatasetSummary> {
  const now = io.now ?? (() => performance.now());
  const started = now();
  const meta = datasetMetadata(config);
  const builder = new DatasetBuilder({
    features: config.features.params,
    horizon: config.horizon,
    cost: config.cost,
  });
  const writer = new DatasetFileWriter(config.out, meta, config.batchRows);
  let fromTs = Number.NaN;
  let toTs = Number.NaN;
  const emit = async (rows: DatasetRow[]) => {
    if (rows.length === 0) return;
    if (Number.isNaN(fromTs)) fromTs = (rows[0] as DatasetRow).ts;
    toTs = (rows[rows.length - 1] as DatasetRow).ts;
    for (const row of rows) if (writer.append(row)) await writer.flush();
  };
  const instruments = new Set<string>();
  let n = 0;
  /** One tick into the builder; true when it is time to move finished rows to the file. */
  const step = (t: Tick): boolean => {
    instruments.add(t.instrument);
    builder.onTick(t.instrument, t.ts, t.price, t.volume);
    return ++n % TAKE_EVERY === 0;
  };
  const takeRows = async () => {
    await emit(builder.take());
    if (n % PROGRESS_EVERY === 0)
      io.log(`dataset: ${n} ticks, ${writer.rows} rows (${Math.round(now() - started)} ms)`);
  };

  try {
    if (config.source.kind === 'csv') {
      for await (const t of csvTicks(csvFile(config.source.file))) if (step(t)) await takeRows();
    } else {
      // A synchronous source stays a tight loop: only every TAKE_EVERY-th tick awaits.
      for (const t of syntheticTicks(config.source)) if (step(t)) await takeRows();
    }
    await emit(builder.finish());
    const c = builder.counts;
    if (c.rows === 0)
      throw new DatasetError(
        'FLT_DATASET_INPUT',
        `no rows: ${c.ticks} ticks over ${instruments.size} instrument(s) left none with every feature defined and a label; each instrument needs more than ${config.features.ticksNeeded} (warm-up of ${config.features.keys.join(', ')}) + ${config.horizon} (--horizon) ticks`,
      );
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const file = await writer.close();
  const c = builder.counts;
  return {
    out: config.out,
    rows: file.rows,
    bytes: file.bytes,
    ticks: c.ticks,
    instruments: instruments.size,
    warmupTicks: c.warmupTicks,
    unlabeled: c.unlabeled,
    rejectedTicks: c.rejectedTicks,
    baseRate: c.positives / file.rows,
    featureKeys: meta.featureKeys,
    featureSetHash: meta.featureSetHash,
    horizon: config.horizon,
    cost: config.cost,
    fromTs,
    toTs,
    elapsedMs: now() - started,
  };
}

export function formatSummary(s: DatasetSummary): string {
  const rate = s.elapsedMs > 0 ? Math.round((s.rows * 1000) / s.elapsedMs) : 0;
  return [
    `dataset: wrote ${s.out}: ${s.rows} rows, ${s.featureKeys.length} features, ${s.bytes} bytes in ${(s.elapsedMs / 1000).toFixed(2)} s (${rate} rows/s)`,
    `  ticks       ${s.ticks} over ${s.instruments} instrument(s); ${s.warmupTicks} in warm-up, ${s.unlabeled} without a label at the end, ${s.rejectedTicks} refused`,
    `  rows        ${new Date(s.fromTs).toISOString()} .. ${new Date(s.toTs).toISOString()}; label = ln(p[t+${s.horizon}]/p[t]) > ${s.cost}; base rate ${s.baseRate.toFixed(4)}`,
    `  features    ${s.featureKeys.join(', ')} (feature-set hash ${s.featureSetHash})`,
  ].join('\n');
}

export function summaryJson(s: DatasetSummary): string {
  return JSON.stringify({ ...s, elapsedMs: Math.round(s.elapsedMs) });
}
