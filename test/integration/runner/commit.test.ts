// The batch commit against a real redis-server: one script writes signals, the last target per
// strategy and instrument, dead letters byte for byte, and acknowledges every entry read.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { toEntries } from '../../../runtime/src/ingest/stream-replies.ts';
import { ackBatch } from '../../../runtime/src/ingest/tick-batch.ts';
import { commitBatch } from '../../../runtime/src/signals/commit.ts';
import { decodeSignal, signalStream } from '../../../runtime/src/signals/signal-format.ts';
import { emptyBatchResult, type SignalRecord } from '../../../runtime/src/strategy/executor.ts';
import { useRedis } from '../../harness/runner.ts';

const redisUrl = inject('redisUrl');
const redis = useRedis(redisUrl);

const tag = () => randomBytes(3).toString('hex');

function signal(strategy: string, instrument: string, entryId: string, side: -1 | 1): SignalRecord {
  return {
    decisionId: `d-${entryId}`,
    strategy,
    generation: 3,
    instrument,
    stream: `ticks:${instrument}`,
    entryId,
    tickIndex: 0,
    entryMs: 1,
    tickTs: 2,
    cid: 'c\u0001"é\u{1F600}',
    target: { side, units: 2 },
    score: 0.7,
    ruleScore: Number.NaN,
    mlScore: 0.7,
    modelDigest: 'a'.repeat(64),
    featureSet: '0123456789abcdef',
  };
}

/** The commit's keys for a test's tag: its own target hashes and dead-letter stream. */
function commitKeys(t: string, group: string, shard: number) {
  return {
    group,
    shard,
    targetsKey: (s: string) => `targets:${t}:${s}`,
    deadLetterStream: `dlq:${t}`,
    signalMaxLen: 1_000,
  };
}

describe('commitBatch', () => {
  it('writes signals in order, the last target per instrument, dead letters, and acks every entry', async () => {
    const t = tag();
    const [instrument, strategy, group] = [`T${t}-A`.toUpperCase(), `s-${t}`, `g-${t}`];
    const stream = `ticks:${instrument}`;
    const ids: string[] = [];
    for (let i = 0; i < 1_500; i++)
      ids.push((await redis.xadd(stream, '*', 'ts', String(i), 'price', '1', 'volume', '1')) ?? '');
    await redis.xgroup('CREATE', stream, group, '0');
    await redis.xreadgroup('GROUP', group, 'c', 'COUNT', 2_000, 'STREAMS', stream, '>');
    const keys = commitKeys(t, group, 4);
    const result = emptyBatchResult();
    result.signals.push(
      signal(strategy, instrument, ids[0] ?? '', 1),
      signal(strategy, instrument, ids[1] ?? '', -1),
    );
    result.deadLetters.push({
      stream,
      entryId: ids[2] ?? '',
      reason: 'bad_price',
      message: 'price: "x\u0000y" is not a decimal number',
      fields: ['price', 'x\u0000y'],
    });
    await commitBatch(redis, [ackBatch(stream, ids)], result, keys);

    const written = toEntries(await redis.call('XRANGE', signalStream(strategy), '-', '+')).map(
      (e) => decodeSignal(e.fields ?? []),
    );
    expect(written.map((s) => [s.entry, s.side, s.ruleScore, s.cid])).toEqual([
      [ids[0], 'long', '', 'c\u0001"é\u{1F600}'],
      [ids[1], 'short', '', 'c\u0001"é\u{1F600}'],
    ]);
    expect(await redis.hgetall(keys.targetsKey(strategy))).toEqual({ [instrument]: 'short:2' });
    const [letter] = await redis.xrange(keys.deadLetterStream, '-', '+');
    expect(letter?.[1]).toEqual([
      ...['stream', stream, 'entry', ids[2], 'shard', '4', 'reason', 'bad_price'],
      ...['message', 'price: "x\u0000y" is not a decimal number'],
      ...['fields', JSON.stringify(['price', 'x\u0000y'])],
    ]);
    const [pending] = (await redis.call('XPENDING', stream, group)) as [number];
    expect(pending).toBe(0);
  });

  it("stores the batch's ledger rows in the outbox byte for byte, in the same script as the acks", async () => {
    const t = tag();
    const stream = `ticks:T${t}-B`.toUpperCase();
    const group = `g-${t}`;
    const id = (await redis.xadd(stream, '*', 'ts', '1', 'price', '1', 'volume', '1')) ?? '';
    await redis.xgroup('CREATE', stream, group, '0');
    await redis.xreadgroup('GROUP', group, 'c', 'COUNT', 10, 'STREAMS', stream, '>');
    const keys = { ...commitKeys(t, group, 0), outbox: `outbox:${t}` };
    const rows = JSON.stringify({
      decisions: [{ id: 'd1', correlation_id: 'c\u0001"é\u{1F600}' }],
    });
    await commitBatch(redis, [ackBatch(stream, [id])], emptyBatchResult(), keys, rows);
    const [entry] = await redis.xrange(keys.outbox, '-', '+');
    expect(entry?.[1]).toEqual(['rows', rows]);
    const [pending] = (await redis.call('XPENDING', stream, group)) as [number];
    expect(pending).toBe(0);

    // Without an outbox key the rows are not written anywhere.
    await commitBatch(redis, [], emptyBatchResult(), { ...keys, outbox: undefined }, rows);
    expect(await redis.xlen(keys.outbox)).toBe(1);
  });
});
