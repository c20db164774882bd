// Moves ledger rows from the shard's outbox stream (filled by the runner's atomic batch commit)
// into ClickHouse through the LedgerWriter, which spools locally while ClickHouse is down. An
// outbox entry is acknowledged and deleted only once its rows are durable, so a crash at any
// point re-ships it (rows have deterministic ids: a second copy replaces the first). Entries of
// a crashed shipper are its own pending ones: it reads those first, then new ones.
//
// Reads do not wait for the writes before them: the writer holds rows up to its flush interval,
// and a shipper that waited for each write would ship one read's worth of entries per interval,
// falling behind a busy runner for good. Up to `maxInFlight` entries are read and not yet
// durable; after a read that found fewer than `count`, the shipper pauses `gatherMs`, so a
// runner committing hundreds of batches a second costs it a few reads a second, not one each.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { toStreamEntries } from '../ingest/stream-replies.ts';
import type { TickEntry } from '../ingest/tick-batch.ts';
import type { LedgerRows } from './batching.ts';
import { decodeOutboxRows } from './outbox-format.ts';

export interface OutboxShipperOptions {
  redis: Redis;
  stream: string;
  consumer: string;
  /** Resolves when the rows are durable (LedgerWriter.write). */
  write: (rows: LedgerRows) => Promise<void>;
  log: Logger;
  /** Entries per read. @default 256 */
  count?: number;
  /** How long a read waits for entries, ms. @default 500 */
  blockMs?: number;
  /** Pause after a read that found fewer than `count` entries, ms. @default 100 */
  gatherMs?: number;
  /** Entries read and not yet durable, at most. @default 4096 */
  maxInFlight?: number;
}

export const OUTBOX_GROUP = 'ledger-shipper';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class OutboxShipper {
  readonly #o: Required<OutboxShipperOptions>;
  readonly counters = { entries: 0, failures: 0 };
  #stopping = false;
  #loop: Promise<void> | undefined;
  /** Writes not yet durable, and how many entries they carry. */
  readonly #shipping = new Set<Promise<void>>();
  #inFlight = 0;

  constructor(o: OutboxShipperOptions) {
    this.#o = { count: 256, blockMs: 500, gatherMs: 100, maxInFlight: 4096, ...o };
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops reading; resolves once the entries in hand are shipped. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
  }

  async #run(): Promise<void> {
    const o = this.#o;
    let cursor = '0'; // our own pending entries (a previous life's) first, then '>': new ones
    let grouped = false;
    while (!this.#stopping) {
      try {
        if (!grouped) await this.#ensureGroup();
        grouped = true;
        const entries = await this.#read(cursor);
        if (cursor !== '>') cursor = entries.at(-1)?.id ?? '>';
        if (entries.length > 0) this.#ship(entries);
        while (this.#inFlight >= o.maxInFlight) await Promise.race(this.#shipping);
        if (cursor === '>' && entries.length < o.count && !this.#stopping) await sleep(o.gatherMs);
      } catch (err) {
        grouped = false;
        this.counters.failures++;
        o.log.warn({ err }, 'reading the ledger outbox failed; retrying');
        await sleep(500);
      }
    }
    await Promise.all(this.#shipping);
  }

  async #ensureGroup(): Promise<void> {
    try {
      await this.#o.redis.xgroup('CREATE', this.#o.stream, OUTBOX_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.includes('BUSYGROUP'))) throw err;
    }
  }

  /** Up to `count` entries after `cursor`: own pending ones after an id, or '>' for new ones. */
  async #read(cursor: string): Promise<TickEntry[]> {
    const o = this.#o;
    const args: (string | number)[] = ['GROUP', OUTBOX_GROUP, o.consumer, 'COUNT', o.count];
    if (cursor === '>' && o.blockMs > 0) args.push('BLOCK', o.blockMs);
    args.push('STREAMS', o.stream, cursor);
    return toStreamEntries(await o.redis.call('XREADGROUP', ...args)).get(o.stream) ?? [];
  }

  /** Writes the entries' rows; acknowledges and deletes them once durable. */
  #ship(entries: TickEntry[]): void {
    this.#inFlight += entries.length;
    const shipped = this.#shipNow(entries).finally(() => {
      this.#inFlight -= entries.length;
      this.#shipping.delete(shipped);
    });
    this.#shipping.add(shipped);
  }

  async #shipNow(entries: TickEntry[]): Promise<void> {
    const o = this.#o;
    try {
      await o.write(rowsOf(entries));
      const ids = entries.map((e) => e.id);
      await o.redis
        .multi()
        .xack(o.stream, OUTBOX_GROUP, ...ids)
        .xdel(o.stream, ...ids)
        .exec();
      this.counters.entries += entries.length;
    } catch (err) {
      // Left pending: the next life of this shipper reads them again.
      this.counters.failures++;
      o.log.warn({ err, entries: entries.length }, 'shipping ledger rows failed');
    }
  }
}

/** The rows of outbox entries, table by table, in entry order. */
function rowsOf(entries: TickEntry[]): LedgerRows {
  const rows: LedgerRows = {};
  for (const { fields } of entries) {
    const text = fields?.[fields.indexOf('rows') + 1];
    if (!text) continue;
    const batch = decodeOutboxRows(text);
    for (const [table, list] of Object.entries(batch) as [keyof LedgerRows, never[]][]) {
      const into = (rows[table] ?? []) as unknown[];
      into.push(...list);
      (rows as Record<string, unknown[]>)[table] = into;
    }
  }
  return rows;
}
