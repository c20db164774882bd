// The runner's own RESP reader against a real redis-server: what it decodes equals the string
// path (ioredis + decodeTick), error replies and lost connections fail the read, and a consumer
// whose read failed reads the entries that reply carried again, so none is lost.
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { RedisError } from '../../../runtime/src/errors.ts';
import { StreamReader } from '../../../runtime/src/ingest/stream-reader.ts';
import { toEntries } from '../../../runtime/src/ingest/stream-replies.ts';
import {
  entryId,
  entryIds,
  type TickBatch,
  toTickBatch,
} from '../../../runtime/src/ingest/tick-batch.ts';
import { TickConsumer } from '../../../runtime/src/ingest/tick-consumer.ts';
import { encodeTick, tickStream } from '../../../runtime/src/ingest/tick-format.ts';
import { eventually } from '../../harness/eventually.ts';
import { newRedis, uniqueInstruments } from '../../harness/runner.ts';

const redisUrl = inject('redisUrl');
let redis: Redis;
const readers: StreamReader[] = [];
beforeAll(() => {
  redis = newRedis(redisUrl);
});
afterAll(async () => {
  await Promise.all(readers.map((r) => r.close()));
  await redis.quit();
});

const tag = () => randomBytes(3).toString('hex');

function reader(url = redisUrl, connectionName = `reader-${tag()}`): StreamReader {
  const r = new StreamReader({ url, connectionName });
  readers.push(r);
  return r;
}

/** A batch as plain values (NaN-safe for toEqual). */
const plain = (b: TickBatch) => ({
  stream: b.stream,
  instrument: b.instrument,
  ids: entryIds(b),
  entryMs: [...b.entryMs],
  ts: [...b.ts],
  price: [...b.price],
  volume: [...b.volume],
  cids: b.cids,
  rejected: b.rejected,
});

async function publish(stream: string, n: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = from; i < from + n; i++) {
    const fields = encodeTick({ ts: 1_000 + i, price: 100 + i / 3, volume: i, cid: `c-${i}` });
    ids.push((await redis.xadd(stream, '*', ...fields)) ?? '');
  }
  return ids;
}

/** The id of the reader's connection in CLIENT LIST, once it runs `command`. */
async function clientId(name: string, command?: string): Promise<string> {
  return eventually(`connection ${name}`, async () => {
    const list = String(await redis.call('CLIENT', 'LIST'));
    const line = list.split('\n').find((l) => l.includes(` name=${name} `));
    if (!line || (command && !line.includes(` cmd=${command} `))) return undefined;
    return /(?:^| )id=(\d+)/.exec(line)?.[1];
  });
}

describe('StreamReader', () => {
  it('decodes XREADGROUP replies exactly as ioredis and decodeTick do, malformed entries included', async () => {
    const [a = '', b = ''] = uniqueInstruments('RA', 'RB');
    const [sa, sb] = [tickStream(a), tickStream(b)];
    const group = `g-${tag()}`;
    await publish(sa, 300);
    await redis.xadd(sa, '*', 'ts', '1', 'price', '-5', 'volume', '1');
    await redis.xadd(sa, '*', 'ts', '2', 'price', '7', 'volume', '1', 'cid', 'é\u{1F600}"\u0001');
    await redis.xadd(sa, '*', 'price', '7');
    await publish(sb, 5);
    for (const s of [sa, sb]) await redis.call('XGROUP', 'CREATE', s, group, '0');

    const r = reader();
    const streams = new Map([
      [sa, a],
      [sb, b],
    ]);
    const read = await r.xreadgroup(
      ['GROUP', group, 'c', 'COUNT', 1_000, 'STREAMS', sa, sb, '>', '>'],
      (s) => streams.get(s) ?? '',
    );
    const expected = await Promise.all(
      [sa, sb].map(async (stream) => ({
        instrument: streams.get(stream) ?? '',
        stream,
        entries: toEntries(await redis.call('XRANGE', stream, '-', '+')),
      })),
    );
    expect(read.map(plain)).toEqual(expected.map((e) => plain(toTickBatch(e))));
    expect(read[0]?.rejected.map((x) => x.reason)).toEqual(['bad_price', 'missing_field']);
    expect(read[0]?.cids.at(-2)).toBe('é\u{1F600}"\u0001');
  });

  it('writes the read before returning once connected, so Redis works while the caller does', async () => {
    // The runner asks for the next batch and then processes the one it has: a read held back to
    // a later microtask would wait for that processing, and Redis would idle meanwhile.
    const [a = ''] = uniqueInstruments('RW');
    const stream = tickStream(a);
    const group = `g-${tag()}`;
    await publish(stream, 3);
    await redis.call('XGROUP', 'CREATE', stream, group, '0');
    const r = reader();
    await r.connect();
    const write = vi.spyOn(Socket.prototype, 'write');
    try {
      const read = r.xreadgroup(
        ['GROUP', group, 'c', 'COUNT', 10, 'STREAMS', stream, '>'],
        () => a,
      );
      expect(write).toHaveBeenCalledTimes(1);
      expect(String(write.mock.calls[0]?.[0])).toContain('XREADGROUP');
      expect((await read)[0]?.length).toBe(3);
    } finally {
      write.mockRestore();
    }
  });

  it('reads from the database the URL names', async () => {
    const [instrument = ''] = uniqueInstruments('DB');
    const stream = tickStream(instrument);
    const db3 = newRedis(`${redisUrl}/3`);
    try {
      await db3.xadd(stream, '*', ...encodeTick({ ts: 5, price: 1, volume: 1 }));
      await db3.call('XGROUP', 'CREATE', stream, 'g', '0');
      const read = await reader(`${redisUrl}/3`).xreadgroup(
        ['GROUP', 'g', 'c', 'STREAMS', stream, '>'],
        () => instrument,
      );
      expect(read.map((b) => [b.stream, [...b.ts]])).toEqual([[stream, [5]]]);
      expect(await redis.exists(stream)).toBe(0);
    } finally {
      await db3.del(stream);
      await db3.quit();
    }
  });

  it('fails a read with the error Redis answers, and reads again afterwards', async () => {
    const [instrument = ''] = uniqueInstruments('ERR');
    const stream = tickStream(instrument);
    await publish(stream, 2);
    const r = reader();
    const args = ['GROUP', `g-${tag()}`, 'c', 'STREAMS', stream, '>'];
    await expect(r.xreadgroup(args, () => instrument)).rejects.toThrow(RedisError);
    await expect(r.xreadgroup(args, () => instrument)).rejects.toThrow(/NOGROUP/);
    await redis.call('XGROUP', 'CREATE', stream, args[1] ?? '', '0');
    const [batch] = await r.xreadgroup(args, () => instrument);
    expect(batch?.length).toBe(2);
  });

  it('a consumer whose read was cut off reads what the group delivered to it again', async () => {
    const [instrument = ''] = uniqueInstruments('CUT');
    const stream = tickStream(instrument);
    const group = `g-${tag()}`;
    const name = `cut-${tag()}`;
    const r = reader(redisUrl, name);
    const consumer = new TickConsumer({
      redis,
      reader: r,
      group,
      consumer: 'c',
      blockMs: 5_000,
      startId: '0',
    });
    await consumer.attach(instrument, 0);
    expect(await consumer.read()).toEqual([]); // own pending entries: none
    const ids = await publish(stream, 5);
    // These entries reach the consumer's pending list, but their reply never reaches it.
    await redis.call('XREADGROUP', 'GROUP', group, 'c', 'STREAMS', stream, '>');
    const blocked = consumer.read().catch((err: unknown) => err);
    await redis.call('CLIENT', 'KILL', 'ID', await clientId(name, 'xreadgroup'));
    expect(await blocked).toBeInstanceOf(RedisError);
    const [again] = await consumer.read();
    expect(again ? entryIds(again) : []).toEqual(ids);
    expect(again ? entryId(again, 4) : '').toBe(ids[4]);
    expect(r.connected).toBe(true);
  });
});
