import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  entryId,
  entryIds,
  type TickBatch,
  type TickEntry,
  toTickBatch,
} from '../../../../runtime/src/ingest/tick-batch.ts';
import { encodeTick, MAX_CID_LENGTH } from '../../../../runtime/src/ingest/tick-format.ts';
import { parseXReadReply } from '../../../../runtime/src/ingest/xread-reply.ts';
import { xreadReply } from './resp.ts';

const instrumentOf = (stream: string) => stream.replace('ticks:', '');

/** The batch as plain values, NaN-safe for toEqual. */
const plain = (b: TickBatch) => ({
  instrument: b.instrument,
  stream: b.stream,
  ids: entryIds(b),
  each: Array.from({ length: b.length }, (_, i) => entryId(b, i)),
  entryMs: [...b.entryMs],
  ts: [...b.ts],
  price: [...b.price],
  volume: [...b.volume],
  cids: b.cids,
  rejected: b.rejected,
});

const good = (i: number, cid?: string): TickEntry => ({
  id: `${1_700_000_000_000 + i}-${i % 3}`,
  fields: encodeTick({
    ts: 1_767_225_600_000 + i,
    price: 100 + i / 7,
    volume: i,
    ...(cid === undefined ? {} : { cid }),
  }),
});

/** Field lists a publisher could write, valid or not. */
const anyFields = fc.oneof(
  fc
    .record({
      ts: fc.oneof(fc.nat().map(String), fc.string()),
      price: fc.oneof(fc.double().map(String), fc.string()),
      volume: fc.oneof(fc.double().map(String), fc.constantFrom('0', '-0', '1e400', 'x')),
      cid: fc.option(fc.string({ unit: 'grapheme', maxLength: MAX_CID_LENGTH + 2 })),
      extra: fc.option(
        fc.tuple(fc.constantFrom('ts', 'price', 'other', 'cid', 'p\u00e9'), fc.string()),
      ),
    })
    .map(({ ts, price, volume, cid, extra }) => [
      ...['ts', ts, 'price', price, 'volume', volume],
      ...(cid === null ? [] : ['cid', cid]),
      ...(extra ?? []),
    ]),
  fc.array(fc.string(), { maxLength: 9 }),
);

const entries = fc
  .array(fc.option(anyFields, { freq: 8 }), { minLength: 1, maxLength: 12 })
  .map((list) => list.map((fields, i) => ({ id: `${1_000 + i}-${i}`, fields })));

describe('parseXReadReply', () => {
  it.each([false, true])('decodes valid ticks into columns (RESP3: %s)', (resp3) => {
    const a = [good(0, 'BTC-USD-0'), good(1), good(2, 'é\u{1F600}')];
    const b = [good(3)];
    const batches = parseXReadReply(
      xreadReply(
        [
          ['ticks:A', a],
          ['ticks:B', b],
          ['ticks:C', []],
        ],
        resp3,
      ),
      0,
      instrumentOf,
    );
    expect(batches.map(plain)).toEqual([
      plain(toTickBatch({ instrument: 'A', stream: 'ticks:A', entries: a })),
      plain(toTickBatch({ instrument: 'B', stream: 'ticks:B', entries: b })),
    ]);
    expect(batches[0]?.cids).toEqual(['BTC-USD-0', '', 'é\u{1F600}']);
    expect(batches[0]?.entryMs[1]).toBe(1_700_000_000_001);
    expect(entryIds(batches[0] as TickBatch)).toEqual(a.map((e) => e.id));
  });

  it('reads a null reply (a read that timed out) as no batches', () => {
    expect(parseXReadReply(Buffer.from('*-1\r\n'), 0, instrumentOf)).toEqual([]);
    expect(parseXReadReply(Buffer.from('_\r\n'), 0, instrumentOf)).toEqual([]);
  });

  it('decodes any entries exactly as decodeTick does, rejections and messages included', () => {
    fc.assert(
      fc.property(entries, fc.boolean(), (list, resp3) => {
        const [batch] = parseXReadReply(xreadReply([['ticks:X', list]], resp3), 0, instrumentOf);
        expect(plain(batch as TickBatch)).toEqual(
          plain(toTickBatch({ instrument: 'X', stream: 'ticks:X', entries: list })),
        );
      }),
      { numRuns: 1_000 },
    );
  });

  it('marks a deleted entry and keeps its id for the acknowledgement', () => {
    const [batch] = parseXReadReply(
      xreadReply([['ticks:X', [good(0), { id: '9-9', fields: null }]]]),
      0,
      instrumentOf,
    );
    expect(batch?.rejected).toEqual([
      { index: 1, reason: 'deleted', message: expect.stringContaining('trimmed'), fields: null },
    ]);
    expect(entryIds(batch as TickBatch)).toEqual([good(0).id, '9-9']);
  });
});
