// Makes a processed batch durable in one MULTI/EXEC: signals, target state, dead letters and
// the XACKs of every entry the batch read. Either all of it happens or none of it, so a crash
// before EXEC redelivers the ticks and a replay produces the same signals once.
import type { Redis } from 'ioredis';
import { RedisError } from '../errors.ts';
import type { BatchResult, StreamBatch } from '../strategy/executor.ts';
import { encodeTarget } from '../strategy/target.ts';
import { encodeSignal, signalStream } from './signal-format.ts';

export interface CommitKeys {
  group: string;
  shard: number;
  /** Hash per strategy: instrument -> last target (`long:2`). */
  targetsKey: (strategy: string) => string;
  deadLetterStream: string;
  /** Approximate MAXLEN of each signal stream. */
  signalMaxLen: number;
}

export async function commitBatch(
  redis: Redis,
  batches: StreamBatch[],
  result: BatchResult,
  keys: CommitKeys,
): Promise<void> {
  const tx = redis.multi();
  for (const s of result.signals) {
    tx.xadd(signalStream(s.strategy), 'MAXLEN', '~', keys.signalMaxLen, '*', ...encodeSignal(s));
    tx.hset(keys.targetsKey(s.strategy), s.instrument, encodeTarget(s.target));
  }
  for (const d of result.deadLetters) {
    tx.xadd(
      keys.deadLetterStream,
      'MAXLEN',
      '~',
      100_000,
      '*',
      'stream',
      d.stream,
      'entry',
      d.entryId,
      'shard',
      String(keys.shard),
      'reason',
      d.reason,
      'message',
      d.message,
      'fields',
      JSON.stringify(d.fields),
    );
  }
  for (const b of batches) tx.xack(b.stream, keys.group, ...b.entries.map((e) => e.id));
  const replies = await tx.exec();
  const failed = replies?.find(([err]) => err);
  if (!replies || failed)
    throw new RedisError(
      `committing a batch failed: ${failed?.[0]?.message ?? 'transaction aborted'}`,
      { cause: failed?.[0] },
    );
}
