// Reads the shard's tick streams through one consumer group per shard. On attaching a stream it
// creates the group if needed, claims the shard's stale pending entries (a crashed predecessor's)
// and returns the ticks just before the resume point so history and features can be warmed.
// Reads return a stream's pending entries first, then new ones, in stream order. Reads go
// through the StreamReader (decoded into tick columns); the rest through ioredis.
import type { Redis } from 'ioredis';
import type { StreamReader } from './stream-reader.ts';
import { compareIds, toEntries, toGroupInfo } from './stream-replies.ts';
import { entryId, type TickBatch, type TickEntry } from './tick-batch.ts';
import { tickStream } from './tick-format.ts';

export interface TickConsumerOptions {
  /** For creating groups, claiming and warm-up reads; never blocked by a read. */
  redis: Redis;
  /** For the reads. */
  reader: StreamReader;
  group: string;
  consumer: string;
  /** Entries per stream per read. @default 256 */
  count?: number;
  /** How long a read waits for new ticks. @default 100 */
  blockMs?: number;
  /** Where a new group starts: `$` (new ticks only) or `0` (all the stream holds). @default '$' */
  startId?: '$' | '0';
}

interface Cursor {
  instrument: string;
  /** `>` for new entries, or the id after which this consumer's pending entries are re-read. */
  next: string;
}

export class TickConsumer {
  readonly #redis: Redis;
  readonly #reader: StreamReader;
  readonly group: string;
  readonly consumer: string;
  readonly #count: number;
  readonly #blockMs: number;
  readonly #startId: string;
  readonly #cursors = new Map<string, Cursor>();

  constructor(o: TickConsumerOptions) {
    this.#redis = o.redis;
    this.#reader = o.reader;
    this.group = o.group;
    this.consumer = o.consumer;
    this.#count = o.count ?? 256;
    this.#blockMs = o.blockMs ?? 100;
    this.#startId = o.startId ?? '$';
  }

  get streams(): string[] {
    return [...this.#cursors.keys()];
  }

  /**
   * Starts reading `instrument`. Returns up to `warmCount` ticks that precede the first entry
   * this shard has not processed, oldest first, for warming history.
   */
  async attach(
    instrument: string,
    warmCount: number,
  ): Promise<{ warm: TickEntry[]; claimed: number }> {
    const stream = tickStream(instrument);
    const redis = this.#redis;
    try {
      await redis.call('XGROUP', 'CREATE', stream, this.group, this.#startId, 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).startsWith('BUSYGROUP')) throw err;
    }
    const claimed = await this.#claimStale(stream);
    const [pendingCount, oldestPending] = (await redis.call('XPENDING', stream, this.group)) as [
      number,
      string | null,
    ];
    let end: string | undefined;
    if (pendingCount > 0 && oldestPending) end = `(${oldestPending}`;
    else {
      const info = toGroupInfo(await redis.call('XINFO', 'GROUPS', stream), this.group);
      const last = String(info?.get('last-delivered-id') ?? '0-0');
      if (last !== '0-0') end = last;
    }
    const warm =
      end && warmCount > 0
        ? toEntries(await redis.call('XREVRANGE', stream, end, '-', 'COUNT', warmCount)).reverse()
        : [];
    this.#cursors.set(stream, { instrument, next: '0' });
    return { warm, claimed };
  }

  detach(instrument: string): void {
    this.#cursors.delete(tickStream(instrument));
  }

  /** XAUTOCLAIM every entry pending in the group (min idle 0): after a restart, all are ours. */
  async #claimStale(stream: string): Promise<number> {
    let cursor = '0-0';
    let claimed = 0;
    do {
      const [next, entries] = (await this.#redis.call(
        'XAUTOCLAIM',
        stream,
        this.group,
        this.consumer,
        0,
        cursor,
        'COUNT',
        1000,
        'JUSTID',
      )) as [string, string[]];
      claimed += entries.length;
      cursor = next;
    } while (cursor !== '0-0');
    return claimed;
  }

  /**
   * One XREADGROUP over every attached stream; empty when nothing arrived within blockMs. When
   * a read fails, its reply may have been lost with entries in it, which the group then holds as
   * delivered: the next read starts again at this consumer's pending entries. Call it only once
   * every batch read before has been committed, or those would be read twice.
   */
  async read(): Promise<TickBatch[]> {
    const cursors = [...this.#cursors.entries()];
    if (cursors.length === 0) return [];
    const draining = cursors.some(([, c]) => c.next !== '>');
    const args: (string | number)[] = ['GROUP', this.group, this.consumer, 'COUNT', this.#count];
    if (!draining) args.push('BLOCK', this.#blockMs);
    args.push('STREAMS', ...cursors.map(([s]) => s), ...cursors.map(([, c]) => c.next));
    let batches: TickBatch[];
    try {
      batches = await this.#reader.xreadgroup(
        args,
        (stream) => this.#cursors.get(stream)?.instrument ?? '',
        draining ? 0 : this.#blockMs,
      );
    } catch (err) {
      for (const [, c] of cursors) c.next = '0';
      throw err;
    }
    const byStream = new Map(batches.map((b) => [b.stream, b]));
    for (const [stream, cursor] of cursors) {
      if (cursor.next === '>') continue;
      // Re-reading our own pending entries: move past them, then switch to new entries.
      const batch = byStream.get(stream);
      const last = batch ? entryId(batch, batch.length - 1) : undefined;
      cursor.next =
        last && compareIds(last, cursor.next === '0' ? '0-0' : cursor.next) > 0 ? last : '>';
    }
    return batches.filter((b) => this.#cursors.has(b.stream));
  }

  /** Consumer lag per stream (entries not yet delivered to the group), from XINFO GROUPS. */
  async lag(redis: Redis = this.#redis): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const [stream, cursor] of this.#cursors) {
      const info = toGroupInfo(await redis.call('XINFO', 'GROUPS', stream), this.group);
      const lag = info?.get('lag');
      if (typeof lag === 'number') out.set(cursor.instrument, lag);
    }
    return out;
  }
}
