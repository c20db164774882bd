// Makes a processed batch durable in one Redis script, which Redis runs atomically: signals,
// target state, dead letters and the XACKs of every entry the batch read. A crash before the
// script runs leaves every entry pending, so the restarted runner re-reads them and a replay
// produces the same signals once.
// Signals, targets and dead letters travel as one JSON argument that the script decodes: the
// runner is one thread and Redis has a core of its own, and encoding one string per batch costs
// the runner about 40% of the CPU that queueing one MULTI command per signal did.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisError } from '../errors.ts';
import type { AckBatch } from '../ingest/tick-batch.ts';
import type { BatchResult } from '../strategy/executor.ts';
import { encodeTarget } from '../strategy/target.ts';
import { DEAD_LETTER_MAXLEN, deadLetterFields } from './dead-letter.ts';
import { encodeSignal, signalStream } from './signal-format.ts';

export interface CommitKeys {
  group: string;
  shard: number;
  /** Hash per strategy: instrument -> last target (`long:2`). */
  targetsKey: (strategy: string) => string;
  deadLetterStream: string;
  /** Approximate MAXLEN of each signal stream. */
  signalMaxLen: number;
  /** The shard's ledger outbox stream, when the runner keeps a ledger. */
  outbox?: string;
}

/**
 * ARGV: the batch as JSON ({signals: [[stream, field, value, ...]], targets: [[key, field,
 * value, ...]], deadLetters: [[field, value, ...]]}), the group, the signal MAXLEN, the
 * dead-letter stream and its MAXLEN, the ledger outbox stream ('' for none) and the batch's
 * ledger rows as JSON; then for each stream read: its key and its entry ids, each followed by a
 * space (acknowledged 1000 per XACK: Lua's unpack has a limit). The ledger rows ride in the same
 * transaction as the XACKs: a tick is acknowledged exactly when its records are stored.
 */
const COMMIT_SCRIPT = `
local batch = cjson.decode(ARGV[1])
for _, s in ipairs(batch.signals) do
  redis.call('XADD', s[1], 'MAXLEN', '~', ARGV[3], '*', unpack(s, 2))
end
for _, t in ipairs(batch.targets) do
  redis.call('HSET', t[1], unpack(t, 2))
end
for _, d in ipairs(batch.deadLetters) do
  redis.call('XADD', ARGV[4], 'MAXLEN', '~', ARGV[5], '*', unpack(d))
end
if ARGV[6] ~= '' then
  redis.call('XADD', ARGV[6], '*', 'rows', ARGV[7])
end
for i = 8, #ARGV, 2 do
  local ids = {}
  for id in string.gmatch(ARGV[i + 1], '%S+') do
    ids[#ids + 1] = id
    if #ids == 1000 then
      redis.call('XACK', ARGV[i], ARGV[2], unpack(ids))
      ids = {}
    end
  end
  if #ids > 0 then redis.call('XACK', ARGV[i], ARGV[2], unpack(ids)) end
end
return #batch.signals
`;
const COMMIT_SHA = createHash('sha1').update(COMMIT_SCRIPT).digest('hex');

export async function commitBatch(
  redis: Redis,
  batches: readonly AckBatch[],
  result: BatchResult,
  keys: CommitKeys,
  /** The batch's ledger rows (outbox-format.ts; with keys.outbox). */
  ledgerRows = '',
): Promise<void> {
  const signals: string[][] = [];
  // The last target per strategy and instrument: what one HSET per signal would leave.
  const targets = new Map<string, Map<string, string>>();
  for (const s of result.signals) {
    signals.push([signalStream(s.strategy), ...encodeSignal(s)]);
    const byInstrument = targets.get(s.strategy) ?? new Map<string, string>();
    byInstrument.set(s.instrument, encodeTarget(s.target));
    targets.set(s.strategy, byInstrument);
  }
  const deadLetters = result.deadLetters.map((d) => deadLetterFields(d, keys.shard));
  const batch = JSON.stringify({
    signals,
    targets: [...targets].map(([strategy, t]) => [keys.targetsKey(strategy), ...[...t].flat()]),
    deadLetters,
  });
  // The two JSON arguments go as Buffers (bytes outside the JS heap). As strings, ioredis joins
  // the whole command into one string, and in bench/ledger the runner's old generation then grew
  // by 2.5 MB/s instead of 1.6: a mark-compact (pausing the tick loop 5-15 ms) came that much
  // sooner.
  const args: (string | number | Buffer)[] = [COMMIT_SHA, 0, Buffer.from(batch), keys.group];
  args.push(keys.signalMaxLen, keys.deadLetterStream, DEAD_LETTER_MAXLEN);
  const outbox = keys.outbox && ledgerRows ? keys.outbox : '';
  args.push(outbox, outbox ? Buffer.from(ledgerRows) : '');
  for (const b of batches) {
    if (b.length === 0) continue;
    args.push(b.stream, b.idText);
  }
  try {
    await redis.call('EVALSHA', args).catch((err: unknown) => {
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      args[0] = COMMIT_SCRIPT;
      return redis.call('EVAL', args);
    });
  } catch (err) {
    throw new RedisError(`committing a batch failed: ${(err as Error).message}`, { cause: err });
  }
}
