// Moves ledger rows from the shard's outbox stream (filled by the runner's atomic batch commit)
// into ClickHouse through the LedgerWriter, which spools locally while ClickHouse is down. An
// outbox entry is acknowledged and deleted only once its rows are durable, so a crash at any
// point re-ships it (rows have deterministic ids: a second copy replaces the first). Entries of
// a crashed shipper are its own pending ones: it reads those first, then new ones.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { toStreamEntries } from '../ingest/stream-replies.ts';
import type { LedgerRows } from './batching.ts';

export interface OutboxShipperOptions {
  redis: Redis;
  stream: string;
  consumer: string;
  /** Resolves when the rows are durable (LedgerWriter.write). */
  write: (rows: LedgerRows) => Promise<void>;
  log: Logger;
  /** Entries per read. @default 64 */
  count?: number;
  /** How long a read waits for entries, ms. @default 500 */
  blockMs?: number;
}

export const OUTBOX_GROUP = 'ledger-shipper';

export class OutboxShipper {
  readonly #o: Required<OutboxShipperOptions>;
  readonly counters = { entries: 0, failures: 0 };
  #stopping = false;
  #loop: Promise<void> | undefined;

  constructor(o: OutboxShipperOptions) {
    this.#o = { count: 64, blockMs: 500, ...o };
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops after the entries in hand are shipped. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
  }

  /** Ships everything in the outbox now, own pending entries first; resolves when it is empty. */
  async drain(): Promise<void> {
    await this.#ensureGroup();
    while ((await this.#shipOnce('0', 0)) > 0);
    while ((await this.#shipOnce('>', 0)) > 0);
  }

  async #run(): Promise<void> {
    let from = '0'; // our own pending entries (a previous life's) first
    while (!this.#stopping) {
      try {
        await this.#ensureGroup();
        const shipped = await this.#shipOnce(from, this.#o.blockMs);
        if (from === '0' && shipped === 0) from = '>';
      } catch (err) {
        this.counters.failures++;
        this.#o.log.warn({ err }, 'shipping ledger rows failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async #ensureGroup(): Promise<void> {
    try {
      await this.#o.redis.xgroup('CREATE', this.#o.stream, OUTBOX_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.includes('BUSYGROUP'))) throw err;
    }
  }

  /** Reads up to `count` entries after `from` ('0': own pending, '>': new), ships them in order. */
  async #shipOnce(from: string, blockMs: number): Promise<number> {
    const o = this.#o;
    const args: (string | number)[] = ['GROUP', OUTBOX_GROUP, o.consumer, 'COUNT', o.count];
    if (from === '>' && blockMs > 0) args.push('BLOCK', blockMs);
    args.push('STREAMS', o.stream, from);
    const entries = toStreamEntries(await o.redis.call('XREADGROUP', ...args)).get(o.stream) ?? [];
    if (entries.length === 0) return 0;
    const rows: LedgerRows = {};
    for (const { fields } of entries) {
      const text = fields?.[fields.indexOf('rows') + 1];
      if (!text) continue;
      const batch = JSON.parse(text) as LedgerRows;
      for (const [table, list] of Object.entries(batch) as [keyof LedgerRows, never[]][]) {
        const into = (rows[table] ?? []) as unknown[];
        into.push(...list);
        (rows as Record<string, unknown[]>)[table] = into;
      }
    }
    await o.write(rows);
    const ids = entries.map((e) => e.id);
    await o.redis
      .multi()
      .xack(o.stream, OUTBOX_GROUP, ...ids)
      .xdel(o.stream, ...ids)
      .exec();
    this.counters.entries += entries.length;
    return entries.length;
  }
}
