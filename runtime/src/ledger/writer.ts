// The ledger writer. Rows of many `write` calls collect into a batch, cut at `maxBatchRows`
// rows or `flushIntervalMs` after its first row; `write()` resolves once its rows are durable,
// in ClickHouse or fsync'd in the local spool (./delivery.ts), so the runner acknowledges ticks
// only after it. When the spool is full, `backpressure` is true until a batch fits again: the
// runner awaits `whenWritable()` before reading more ticks. Rows have deterministic ids and the
// tables are ReplacingMergeTree, so a batch inserted twice still reads once (FINAL).
import type { ClickHouseClient } from '@clickhouse/client';
import { type Logger, pino } from 'pino';
import { countRows, flushDecision, type LedgerRows } from './batching.ts';
import {
  type LedgerWriterConfig,
  type LedgerWriterConfigInput,
  resolveLedgerWriterConfig,
} from './config.ts';
import { type Batch, Delivery, type LedgerWriterCounters } from './delivery.ts';
import { LedgerError } from './errors.ts';
import { appendBodies } from './insert-bodies.ts';
import { Spool, type SpoolRecovery } from './spool.ts';

export type { LedgerWriterCounters } from './delivery.ts';

export interface LedgerWriterOptions extends LedgerWriterConfigInput {
  /** A client of the ledger's ClickHouse; the caller closes it after `close()`. */
  client: ClickHouseClient;
  /** @default a silent logger */
  log?: Logger;
  /** Called when `backpressure` changes (the spool filled, or a batch fits again). */
  onBackpressure?: (on: boolean) => void;
}

export class LedgerWriter {
  readonly config: LedgerWriterConfig;
  readonly counters: LedgerWriterCounters = {
    rowsWritten: 0,
    batchesWritten: 0,
    rowsSpooled: 0,
    batchesSpooled: 0,
    rowsReplayed: 0,
    batchesReplayed: 0,
    insertFailures: 0,
    rejectedBatches: 0,
  };
  readonly #spool: Spool;
  readonly #delivery: Delivery;
  #pending: Batch | undefined;
  #pendingSince = 0;
  #flushTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  private constructor(config: LedgerWriterConfig, spool: Spool, o: LedgerWriterOptions) {
    this.config = config;
    this.#spool = spool;
    const log = o.log ?? pino({ level: 'silent' });
    this.#delivery = new Delivery({
      client: o.client,
      config,
      spool,
      log,
      counters: this.counters,
      ...(o.onBackpressure ? { onBlockedChange: o.onBackpressure } : {}),
    });
  }

  /** Opens the spool (dropping a torn tail) and starts replaying whatever it holds. */
  static async open(options: LedgerWriterOptions): Promise<LedgerWriter> {
    const config = resolveLedgerWriterConfig(options);
    const spool = await Spool.open({
      dir: config.spoolDir,
      maxBytes: config.spoolMaxBytes,
      segmentBytes: config.spoolSegmentBytes,
    });
    const r = spool.recovery;
    if (options.log && (r.frames > 0 || r.tornBytes > 0 || r.corruptBytes > 0)) {
      const level = r.corruptBytes > 0 ? 'error' : 'info';
      options.log[level](
        { spool: config.spoolDir, ...r },
        'ledger spool opened with rows to replay',
      );
    }
    const writer = new LedgerWriter(config, spool, options);
    writer.#delivery.kick();
    return writer;
  }

  /** Queues rows; resolves once they are durable, rejects with LedgerError if they never can be. */
  write(rows: LedgerRows): Promise<void> {
    if (this.#closing !== undefined) {
      return Promise.reject(new LedgerError('FLT_LEDGER_CLOSED', 'the ledger writer is closed'));
    }
    if (countRows(rows) === 0) return Promise.resolve();
    if (this.#pending === undefined) {
      this.#pending = { bodies: {}, count: 0, waiters: [] };
      this.#pendingSince = Date.now();
    }
    const batch = this.#pending;
    // Encoded now, into bytes outside the heap (insert-bodies.ts): the rows are garbage at once.
    batch.count += appendBodies(batch.bodies, rows);
    const durable = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    const decision = flushDecision(batch.count, this.#pendingSince, Date.now(), this.config);
    if (decision.flush) this.#cut();
    else this.#flushTimer ??= setTimeout(() => this.#cut(), decision.waitMs);
    return durable;
  }

  /** Flushes the rows collected so far; resolves when they (and all before) are durable. */
  flush(): Promise<void> {
    const batch = this.#pending;
    if (batch === undefined) return this.#delivery.lastDurable();
    const durable = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    this.#cut();
    return durable;
  }

  /** True while a batch waits in memory because the spool is full. */
  get backpressure(): boolean {
    return this.#delivery.blocked;
  }

  /** Resolves when the writer takes rows without back-pressure (at once if it does now). */
  whenWritable(): Promise<void> {
    return this.#delivery.whenUnblocked();
  }

  /** Resolves once every row written so far is in ClickHouse (nothing collected or spooled). */
  whenDrained(): Promise<void> {
    this.#cut();
    return this.#delivery.whenDrained();
  }

  /** Bytes of the spool on disk. */
  get spoolBytes(): number {
    return this.#spool.bytes;
  }

  /** Batches in the spool waiting to be replayed. */
  get spooledBatches(): number {
    return this.#spool.frames;
  }

  /** What opening the spool found: frames left to replay, a torn tail dropped, corruption. */
  get spoolRecovery(): SpoolRecovery {
    return this.#spool.recovery;
  }

  /**
   * Flushes what is collected and waits until it is durable or held by back-pressure; rows
   * still held then are refused (FLT_LEDGER_CLOSED: never acknowledged, so read again after a
   * restart). The spool stays on disk for the next writer. Does not close the client.
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#cut();
      this.#closing = this.#delivery.stop();
    }
    return this.#closing;
  }

  /** Hands the collected rows to delivery as one batch. */
  #cut(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#pending === undefined) return;
    const batch = this.#pending;
    this.#pending = undefined;
    this.#delivery.enqueue(batch);
  }
}
