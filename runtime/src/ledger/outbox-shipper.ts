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
//
// Each entry's tape (execution/tape.ts) goes through the shipper's paper broker as the entry is
// read, in stream order, so the broker sees every tick and decision of this life once and in the
// order the runner made them; its fills, P&L events, equity points and outcome labels ship with
// the entry's rows. The broker's state is this life's: a new life starts flat, as the runner's
// broker used to on a restart (docs/reference/pnl.md).
//
// An entry whose rows cannot be decoded (not the outbox format, an unknown version) would fail
// every write it is part of, and in every later life: it goes to the shard's dead-letter stream
// (reason `undecodable_ledger_rows`, with its fields) in the same transaction that acknowledges
// the entries read with it, once their rows are durable.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { PaperBroker } from '../execution/paper-broker.ts';
import { replayTape } from '../execution/tape.ts';
import { toStreamEntries } from '../ingest/stream-replies.ts';
import type { TickEntry } from '../ingest/tick-batch.ts';
import { DEAD_LETTER_MAXLEN, deadLetterFields } from '../signals/dead-letter.ts';
import { appendRows, type LedgerRows } from './batching.ts';
import { decodeOutboxEntry, type OutboxEntry } from './outbox-format.ts';

export interface OutboxShipperOptions {
  redis: Redis;
  stream: string;
  consumer: string;
  /** Where undecodable entries go (the shard's dead-letter stream), and the shard they name. */
  deadLetterStream: string;
  shard: number;
  /** Executes the entries' tapes. @default a PaperBroker of the default configuration */
  broker?: PaperBroker;
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
export const UNDECODABLE_REASON = 'undecodable_ledger_rows';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class OutboxShipper {
  readonly #o: Required<OutboxShipperOptions>;
  /** Entries shipped, dead-lettered (also counted in entries), and failed reads and ships. */
  readonly counters = { entries: 0, deadLettered: 0, failures: 0 };
  #stopping = false;
  #loop: Promise<void> | undefined;
  /** Writes not yet durable, and how many entries they carry. */
  readonly #shipping = new Set<Promise<void>>();
  #inFlight = 0;

  constructor(o: OutboxShipperOptions) {
    this.#o = {
      count: 256,
      blockMs: 500,
      gatherMs: 100,
      maxInFlight: 4096,
      broker: new PaperBroker(),
      ...o,
    };
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
    // Nothing here holds the entries (their fields are the bulk of the bytes read) while the
    // rows wait the writer's flush interval: only their ids, and the undecodable ones.
    const count = entries.length;
    this.#inFlight += count;
    const shipped = this.#shipNow(
      entries.map((e) => e.id),
      this.#writeRows(entries),
    ).finally(() => {
      this.#inFlight -= count;
      this.#shipping.delete(shipped);
    });
    this.#shipping.add(shipped);
  }

  /** Decodes the entries and writes their rows (at once, in read order). */
  #writeRows(entries: readonly TickEntry[]): Written {
    try {
      const { rows, undecodable } = this.#rowsOf(entries);
      const durable = Object.keys(rows).length > 0 ? this.#o.write(rows) : Promise.resolve();
      return { durable, undecodable };
    } catch (err) {
      return { durable: Promise.reject(err), undecodable: [] };
    }
  }

  async #shipNow(ids: string[], written: Written): Promise<void> {
    const o = this.#o;
    const { undecodable } = written;
    try {
      await written.durable;
      const done = o.redis.multi();
      for (const u of undecodable) {
        o.log.error(
          { entry: u.id, stream: o.stream, reason: UNDECODABLE_REASON, err: u.message },
          'ledger outbox entry cannot be decoded; moved to the dead-letter stream',
        );
        const letter = deadLetterFields(
          {
            stream: o.stream,
            entryId: u.id,
            reason: UNDECODABLE_REASON,
            message: u.message,
            fields: u.fields,
          },
          o.shard,
        );
        done.xadd(o.deadLetterStream, 'MAXLEN', '~', DEAD_LETTER_MAXLEN, '*', ...letter);
      }
      await done
        .xack(o.stream, OUTBOX_GROUP, ...ids)
        .xdel(o.stream, ...ids)
        .exec();
      this.counters.entries += ids.length;
      this.counters.deadLettered += undecodable.length;
    } catch (err) {
      // Left pending: the next life of this shipper reads them again.
      this.counters.failures++;
      o.log.warn({ err, entries: ids.length }, 'shipping ledger rows failed');
    }
  }

  /**
   * The rows of outbox entries, table by table, in entry order, with what the broker made of
   * their tapes, and the entries that cannot be decoded. An entry deleted before it was read
   * (null fields: a previous life shipped it) has none. Runs once per entry read: the broker
   * must see each tape once.
   */
  #rowsOf(entries: readonly TickEntry[]): { rows: LedgerRows; undecodable: UndecodableEntry[] } {
    const rows: LedgerRows = {};
    const undecodable: UndecodableEntry[] = [];
    for (const { id, fields } of entries) {
      if (!fields) continue;
      const at = fields.indexOf('rows');
      let entry: OutboxEntry;
      try {
        if (at < 0 || at % 2 !== 0 || at + 1 >= fields.length)
          throw new Error('the entry has no rows field');
        entry = decodeOutboxEntry(fields[at + 1] as string);
      } catch (err) {
        undecodable.push({ id, message: err instanceof Error ? err.message : String(err), fields });
        continue;
      }
      appendRows(rows, entry.rows);
      if (!entry.tape) continue;
      const { output, refused } = replayTape(
        this.#o.broker,
        entry.tape,
        entry.rows.decisions ?? [],
      );
      for (const problem of refused)
        this.#o.log.error({ entry: id, err: problem }, 'the paper broker refused a decision');
      appendRows(rows, {
        fills: output.fills,
        pnl_events: output.pnlEvents,
        equity_points: output.equityPoints,
        outcomes: output.outcomes,
      });
    }
    return { rows, undecodable };
  }
}

/** The rows of some entries handed to the writer, and those entries that could not be decoded. */
interface Written {
  /** Resolves once the rows are durable. */
  durable: Promise<void>;
  undecodable: UndecodableEntry[];
}

/** An outbox entry that holds no rows the shipper can read, and why. */
interface UndecodableEntry {
  id: string;
  message: string;
  fields: string[];
}
