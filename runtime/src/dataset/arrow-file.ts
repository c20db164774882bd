// The dataset file: Arrow IPC file format (Feather v2), written record batch by record batch so
// memory stays bounded, to a temporary file renamed into place on success. The columns and
// schema metadata are the dataset contract of docs/guides/training-models.md; the bytes are a
// function of the rows and metadata alone (no clocks, no random ids).
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  type Data,
  Field,
  Float64,
  Int8,
  Int64,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Utf8,
} from 'apache-arrow';
import type { DatasetRow } from './builder.ts';
import { DatasetError } from './errors.ts';

export const META_FEATURE_KEYS = 'flotilla.feature_keys';
export const META_FEATURE_SET_HASH = 'flotilla.feature_set_hash';
export const META_FEATURE_VERSIONS = 'flotilla.feature_versions';
export const META_LABEL_HORIZON = 'flotilla.label_horizon';
export const META_COST_THRESHOLD = 'flotilla.cost_threshold';
export const META_SOURCE = 'flotilla.source';

export interface DatasetMetadata {
  featureKeys: readonly string[];
  featureSetHash: string;
  /** Implementation version of each key's feature, so a subset's hash can be computed. */
  featureVersions: Readonly<Record<string, number>>;
  horizon: number;
  cost: number;
  /** Free text: where the ticks came from. */
  source: string;
}

/** The contract's schema: key columns, one float64 per feature, fwd_return, label; metadata. */
export function datasetSchema(meta: DatasetMetadata): Schema {
  const fields = [
    new Field('ts_ms', new Int64(), false),
    new Field('instrument', new Utf8(), false),
    new Field('entry_id', new Utf8(), false),
    ...meta.featureKeys.map((k) => new Field(k, new Float64(), false)),
    new Field('fwd_return', new Float64(), false),
    new Field('label', new Int8(), false),
  ];
  const versions = Object.fromEntries(meta.featureKeys.map((k) => [k, meta.featureVersions[k]]));
  return new Schema(
    fields,
    new Map([
      [META_FEATURE_KEYS, JSON.stringify(meta.featureKeys)],
      [META_FEATURE_SET_HASH, meta.featureSetHash],
      [META_FEATURE_VERSIONS, JSON.stringify(versions)],
      [META_LABEL_HORIZON, String(meta.horizon)],
      [META_COST_THRESHOLD, String(meta.cost)],
      [META_SOURCE, meta.source],
    ]),
  );
}

/** A UTF-8 column of one batch: offsets and bytes. */
class Utf8Column {
  offsets: Int32Array;
  bytes = new Uint8Array(1 << 16);
  used = 0;
  length = 0;
  readonly #encoder = new TextEncoder();

  constructor(capacity: number) {
    this.offsets = new Int32Array(capacity + 1);
  }

  push(text: string): void {
    const need = this.used + text.length * 3;
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(need, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    this.used += this.#encoder.encodeInto(text, this.bytes.subarray(this.used)).written;
    this.offsets[++this.length] = this.used;
  }

  data(): Data<Utf8> {
    return makeData({
      type: new Utf8(),
      length: this.length,
      nullCount: 0,
      valueOffsets: this.offsets.slice(0, this.length + 1),
      data: this.bytes.slice(0, this.used),
    });
  }

  reset(): void {
    this.used = 0;
    this.length = 0;
  }
}

export interface WrittenFile {
  path: string;
  rows: number;
  bytes: number;
  batches: number;
}

/**
 * Append rows (in file order), awaiting flush() whenever append returns true, then close().
 * Until close() succeeds the rows go to `.<name>.tmp` beside the target; abort() removes it.
 */
export class DatasetFileWriter {
  readonly path: string;
  readonly #tmp: string;
  readonly #schema: Schema;
  readonly #fields: Field[];
  readonly #capacity: number;
  readonly #writer = new RecordBatchFileWriter();
  readonly #fd: number;
  readonly #pump: Promise<void>;
  #pumpError: unknown;
  #bytes = 0;
  #rows = 0;
  #batches = 0;
  #n = 0;
  readonly #ts: BigInt64Array;
  readonly #instrument: Utf8Column;
  readonly #entryId: Utf8Column;
  readonly #features: Float64Array[];
  readonly #fwd: Float64Array;
  readonly #label: Int8Array;

  constructor(path: string, meta: DatasetMetadata, batchRows = 65_536) {
    this.path = path;
    this.#tmp = join(dirname(path), `.${basename(path)}.tmp`);
    this.#schema = datasetSchema(meta);
    this.#fields = this.#schema.fields;
    this.#capacity = batchRows;
    this.#ts = new BigInt64Array(batchRows);
    this.#instrument = new Utf8Column(batchRows);
    this.#entryId = new Utf8Column(batchRows);
    this.#features = meta.featureKeys.map(() => new Float64Array(batchRows));
    this.#fwd = new Float64Array(batchRows);
    this.#label = new Int8Array(batchRows);
    const fd = openFile(this.#tmp, path);
    this.#fd = fd;
    this.#writer.reset(undefined, this.#schema);
    // The writer queues IPC chunks; this loop moves them to the file as they come.
    this.#pump = (async () => {
      for await (const chunk of this.#writer) {
        if (this.#pumpError !== undefined) continue;
        try {
          let off = 0;
          while (off < chunk.byteLength) off += writeSync(fd, chunk, off, chunk.byteLength - off);
          this.#bytes += chunk.byteLength;
        } catch (err) {
          this.#pumpError = err;
        }
      }
    })();
  }

  get rows(): number {
    return this.#rows + this.#n;
  }

  /** Adds a row to the current batch; true when the batch is full (await flush() then). */
  append(row: DatasetRow): boolean {
    const i = this.#n++;
    this.#ts[i] = BigInt(row.ts);
    this.#instrument.push(row.instrument);
    this.#entryId.push(row.entryId);
    const f = row.features;
    for (let j = 0; j < this.#features.length; j++)
      (this.#features[j] as Float64Array)[i] = f[j] as number;
    this.#fwd[i] = row.fwdReturn;
    this.#label[i] = row.label;
    return this.#n >= this.#capacity;
  }

  /** Writes the current batch (if any) to the file. */
  async flush(): Promise<void> {
    const n = this.#n;
    if (n > 0) {
      const f64 = (a: Float64Array) =>
        makeData({ type: new Float64(), length: n, nullCount: 0, data: a.slice(0, n) });
      const children: Data[] = [
        makeData({ type: new Int64(), length: n, nullCount: 0, data: this.#ts.slice(0, n) }),
        this.#instrument.data(),
        this.#entryId.data(),
        ...this.#features.map(f64),
        f64(this.#fwd),
        makeData({ type: new Int8(), length: n, nullCount: 0, data: this.#label.slice(0, n) }),
      ];
      const struct = makeData({
        type: new Struct(this.#fields),
        length: n,
        nullCount: 0,
        children,
      });
      this.#writer.write(new RecordBatch(this.#schema, struct));
      this.#rows += n;
      this.#batches++;
      this.#n = 0;
      this.#instrument.reset();
      this.#entryId.reset();
    }
    // Let the pump move the queued chunks to the file before more rows pile up.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.#pumpError !== undefined) throw writeError(this.path, this.#pumpError);
  }

  /** Writes the last batch and the footer, syncs, and renames the file into place. */
  async close(): Promise<WrittenFile> {
    await this.flush();
    this.#writer.finish();
    await this.#pump;
    try {
      if (this.#pumpError !== undefined) throw this.#pumpError;
      fsyncSync(this.#fd);
      closeSync(this.#fd);
      renameSync(this.#tmp, this.path);
    } catch (err) {
      this.#discard();
      throw writeError(this.path, err);
    }
    return { path: this.path, rows: this.#rows, bytes: this.#bytes, batches: this.#batches };
  }

  /** Stops and removes the temporary file; the target path is left as it was. */
  async abort(): Promise<void> {
    this.#pumpError ??= new Error('aborted');
    this.#writer.finish();
    await this.#pump;
    this.#discard();
  }

  #discard(): void {
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
    rmSync(this.#tmp, { force: true });
  }
}

function openFile(tmp: string, target: string): number {
  try {
    return openSync(tmp, 'w');
  } catch (err) {
    throw writeError(target, err);
  }
}

function writeError(path: string, err: unknown): DatasetError {
  const code = (err as { code?: string }).code;
  const reason =
    code === 'ENOENT'
      ? 'its directory does not exist'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'ENOSPC'
          ? 'no space left on the device'
          : err instanceof Error
            ? err.message
            : String(err);
  return new DatasetError('FLT_DATASET_WRITE', `${path}: cannot write the dataset: ${reason}`, {
    cause: err,
  });
}
