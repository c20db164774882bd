// Makes batches durable, in order, through one pump: a batch is inserted straight into
// ClickHouse while the spool is empty, and appended to the spool while it is not (so nothing
// overtakes spooled rows) or when its insert fails for a transient reason. The pump replays the
// spool's head into ClickHouse, pausing longer after each failure, until the spool is empty.
// When the spool is full the outbox's head waits in memory and `blocked` is true until it fits.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { retryDelayMs } from './batching.ts';
import type { LedgerWriterConfig } from './config.ts';
import { LedgerError } from './errors.ts';
import { insertBatch } from './insert-batch.ts';
import {
  countBodyRows,
  decodeSpoolPayload,
  encodeSpoolPayload,
  type InsertBodies,
} from './insert-bodies.ts';
import type { Spool } from './spool.ts';
import { encodeFrame } from './spool-frame.ts';

/** Plain counters, for the caller to export as metrics. */
export interface LedgerWriterCounters {
  /** Rows and batches inserted into ClickHouse, directly or from the spool. */
  rowsWritten: number;
  batchesWritten: number;
  /** Rows and batches appended to the spool. */
  rowsSpooled: number;
  batchesSpooled: number;
  /** Rows and batches inserted from the spool (also counted in rowsWritten/batchesWritten). */
  rowsReplayed: number;
  batchesReplayed: number;
  /** Inserts that failed for a transient reason. */
  insertFailures: number;
  /** Batches ClickHouse refused as invalid (writes rejected, or spooled frames set aside). */
  rejectedBatches: number;
}

export interface Batch {
  bodies: InsertBodies;
  count: number;
  /** The `write` calls whose rows are in this batch; settled once it is durable or refused. */
  waiters: { resolve: () => void; reject: (err: Error) => void }[];
  frame?: Buffer;
}

export interface DeliveryOptions {
  client: ClickHouseClient;
  config: LedgerWriterConfig;
  spool: Spool;
  log: Logger;
  counters: LedgerWriterCounters;
  /** Called when `blocked` changes. */
  onBlockedChange?: (blocked: boolean) => void;
}

export class Delivery {
  readonly #o: DeliveryOptions;
  readonly #outbox: Batch[] = [];
  #pumping: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  #nextReplayAt = 0;
  #replayTimer: NodeJS.Timeout | undefined;
  #blocked = false;
  #unblockedWaiters: (() => void)[] = [];
  #drainedWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(o: DeliveryOptions) {
    this.#o = o;
  }

  /** Queues a batch behind the others and starts the pump. */
  enqueue(batch: Batch): void {
    this.#outbox.push(batch);
    this.kick();
  }

  /** True while the outbox's head waits because the spool is full. */
  get blocked(): boolean {
    return this.#blocked;
  }

  whenUnblocked(): Promise<void> {
    if (!this.#blocked) return Promise.resolve();
    return new Promise((resolve) => this.#unblockedWaiters.push(resolve));
  }

  get isDrained(): boolean {
    return this.#outbox.length === 0 && this.#o.spool.isEmpty;
  }

  /** Resolves once the outbox and the spool are empty (everything is in ClickHouse). */
  whenDrained(): Promise<void> {
    if (this.isDrained) return Promise.resolve();
    return new Promise((resolve) => this.#drainedWaiters.push(resolve));
  }

  /** Resolves when the last queued batch is durable (at once when none is queued). */
  lastDurable(): Promise<void> {
    const last = this.#outbox.at(-1);
    if (last === undefined) return Promise.resolve();
    return new Promise<void>((resolve, reject) => last.waiters.push({ resolve, reject }));
  }

  /** Runs the pump now unless it runs already (then it goes round once more). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#pumping !== undefined) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#replayTimer);
    this.#replayTimer = undefined;
    this.#pumping = this.#pump();
  }

  /**
   * Lets the pump finish what it can do now, then stops it; batches still held by a full spool
   * are refused with FLT_LEDGER_CLOSED. Closes the spool.
   */
  async stop(): Promise<void> {
    while (this.#pumping !== undefined) await this.#pumping;
    this.#stopped = true;
    clearTimeout(this.#replayTimer);
    const closed = new LedgerError(
      'FLT_LEDGER_CLOSED',
      'the ledger writer closed while the spool was full',
    );
    for (const batch of this.#outbox.splice(0)) settle(batch, closed);
    this.#setBlocked(false);
    await this.#o.spool.close();
  }

  async #pump(): Promise<void> {
    try {
      do {
        this.#again = false;
        while (await this.#step()) this.#updateBlocked();
        this.#updateBlocked();
      } while (this.#again);
    } catch (err) {
      // Every expected failure is handled in #step; this is a bug, so make it loud but retry.
      this.#o.log.error({ err }, 'ledger writer pump failed');
      this.#noteFailure();
    } finally {
      this.#pumping = undefined;
    }
    if (this.isDrained) for (const resolve of this.#drainedWaiters.splice(0)) resolve();
    if (!this.#o.spool.isEmpty && !this.#stopped) {
      const delay = Math.max(0, this.#nextReplayAt - Date.now());
      this.#replayTimer = setTimeout(() => this.kick(), delay);
    }
  }

  /** Does one unit of work; false when nothing can be done now. */
  async #step(): Promise<boolean> {
    const spool = this.#o.spool;
    const head = this.#outbox[0];
    if (head !== undefined && !spool.isEmpty) {
      // Behind spooled rows: spool this batch too, so that order is kept.
      const frame = this.#frameOf(head);
      if (frame === undefined) return true;
      if (spool.fits(frame.length)) {
        await this.#spoolHead(head, frame);
        return true;
      }
    } else if (head !== undefined) {
      const outcome = await this.#insert(head.bodies);
      if (outcome.ok) {
        this.#counted(head.count, false);
        this.#outbox.shift();
        settle(head);
      } else if (outcome.failure === 'permanent') {
        this.#outbox.shift();
        this.#o.counters.rejectedBatches += 1;
        settle(head, rejection(outcome.err));
      } else {
        this.#noteFailure();
        const frame = this.#frameOf(head);
        if (frame !== undefined) await this.#spoolHead(head, frame);
      }
      return true;
    }
    if (!spool.isEmpty && Date.now() >= this.#nextReplayAt) return this.#replayHead();
    return false;
  }

  async #replayHead(): Promise<boolean> {
    const { spool, counters, log } = this.#o;
    let payload: Buffer | undefined;
    try {
      payload = await spool.peek();
    } catch (err) {
      log.error({ err, spool: this.#o.config.spoolDir }, 'reading the ledger spool failed');
      this.#noteFailure();
      return false;
    }
    if (payload === undefined) return false;
    let bodies: InsertBodies;
    try {
      bodies = decodeSpoolPayload(payload);
    } catch (err) {
      // Its checksum matched, so it was written wrong: keep it for a person and go on.
      const path = await spool.rejectHead();
      counters.rejectedBatches += 1;
      log.error({ err, path }, 'a spooled batch cannot be read; set it aside');
      return true;
    }
    const outcome = await this.#insert(bodies);
    if (outcome.ok) {
      await spool.advance();
      this.#counted(countBodyRows(bodies), true);
      this.#failures = 0;
      this.#nextReplayAt = 0;
      return true;
    }
    if (outcome.failure === 'permanent') {
      const path = await spool.rejectHead();
      counters.rejectedBatches += 1;
      log.error({ err: outcome.err, path }, 'ClickHouse refused a spooled batch; set it aside');
      return true;
    }
    this.#noteFailure();
    return false;
  }

  #insert(bodies: InsertBodies) {
    const { client, config, log } = this.#o;
    return insertBatch(client, config.database, bodies, config.insertTimeoutMs, log);
  }

  /** The batch's spool frame; undefined (and the batch refused) when it can never fit. */
  #frameOf(batch: Batch): Buffer | undefined {
    const maxBytes = this.#o.spool.maxBytes;
    batch.frame ??= encodeFrame(encodeSpoolPayload(batch.bodies));
    if (batch.frame.length <= maxBytes) return batch.frame;
    this.#outbox.shift();
    this.#o.counters.rejectedBatches += 1;
    const size = `${batch.frame.length} bytes, more than spoolMaxBytes (${maxBytes})`;
    settle(
      batch,
      new LedgerError('FLT_LEDGER_BATCH_TOO_LARGE', `a batch of ${batch.count} rows is ${size}`),
    );
    return undefined;
  }

  /** Appends the outbox's head to the spool; it leaves the outbox only once settled. */
  async #spoolHead(head: Batch, frame: Buffer): Promise<void> {
    try {
      await this.#o.spool.append(frame);
    } catch (err) {
      this.#outbox.shift();
      settle(head, err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.#outbox.shift();
    this.#o.counters.rowsSpooled += head.count;
    this.#o.counters.batchesSpooled += 1;
    settle(head);
  }

  #counted(count: number, replayed: boolean): void {
    const c = this.#o.counters;
    c.rowsWritten += count;
    c.batchesWritten += 1;
    if (replayed) {
      c.rowsReplayed += count;
      c.batchesReplayed += 1;
    }
  }

  #noteFailure(): void {
    const c = this.#o.config;
    this.#failures += 1;
    this.#o.counters.insertFailures += 1;
    this.#nextReplayAt = Date.now() + retryDelayMs(this.#failures, c.retryInitialMs, c.retryMaxMs);
  }

  /** Back-pressure is on while the outbox's head cannot go to the full spool. */
  #updateBlocked(): void {
    const spool = this.#o.spool;
    const frame = this.#outbox[0]?.frame;
    this.#setBlocked(frame !== undefined && !spool.isEmpty && !spool.fits(frame.length));
  }

  #setBlocked(blocked: boolean): void {
    if (blocked === this.#blocked) return;
    this.#blocked = blocked;
    if (blocked) {
      this.#o.log.warn({ spoolBytes: this.#o.spool.bytes }, 'ledger spool full: back-pressure on');
    } else {
      this.#o.log.info('ledger back-pressure off');
      for (const resolve of this.#unblockedWaiters.splice(0)) resolve();
    }
    this.#o.onBlockedChange?.(blocked);
  }
}

export function settle(batch: Batch, err?: Error): void {
  for (const w of batch.waiters) {
    if (err === undefined) w.resolve();
    else w.reject(err);
  }
}

function rejection(err: unknown): LedgerError {
  const reason = err instanceof Error ? err.message : String(err);
  return new LedgerError('FLT_LEDGER_REJECTED', `ClickHouse refused the rows: ${reason}`, {
    cause: err,
  });
}
