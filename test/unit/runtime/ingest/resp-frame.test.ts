import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RespFrameScanner, RespProtocolError } from '../../../../runtime/src/ingest/resp-frame.ts';
import { blob, xreadReply } from './resp.ts';

/** Reply boundaries found when `bytes` arrive in chunks cut at `cuts`, as a reader buffers them. */
function boundaries(bytes: Buffer, cuts: number[]): number[] {
  const scanner = new RespFrameScanner();
  const found: number[] = [];
  let consumed = 0; // bytes of earlier replies
  let received = 0;
  for (const cut of [
    ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b),
    bytes.length,
  ]) {
    received = Math.max(received, cut);
    for (;;) {
      const n = scanner.scan(bytes.subarray(consumed, received), received - consumed);
      if (n < 0) break;
      consumed += n;
      found.push(consumed);
    }
  }
  return found;
}

const replies: [string, string][] = [
  ['simple string', '+OK\r\n'],
  ['error', '-ERR no such key\r\n'],
  ['integer', ':-42\r\n'],
  ['null blob', '$-1\r\n'],
  ['empty blob', '$0\r\n\r\n'],
  ['blob with CRLF inside', `$4\r\na\r\nb\r\n`],
  ['null array', '*-1\r\n'],
  ['empty array', '*0\r\n'],
  ['nested arrays', `*2\r\n*1\r\n${blob('x')}*0\r\n`],
  ['RESP3 map', `%2\r\n${blob('a')}:1\r\n${blob('b')}*1\r\n_\r\n`],
  ['RESP3 scalars', `*5\r\n_\r\n#t\r\n,1.5\r\n(12345678901234567890\r\n=7\r\ntxt:abc\r\n`],
  ['attribute before a reply', `|1\r\n${blob('ttl')}:3\r\n${blob('v')}`],
  [
    'XREADGROUP reply',
    xreadReply([
      [
        's',
        [
          { id: '1-0', fields: ['a', '1'] },
          { id: '2-0', fields: null },
        ],
      ],
    ]).toString(),
  ],
];

describe('RespFrameScanner', () => {
  it.each(replies)('finds the end of a %s', (_name, reply) => {
    const bytes = Buffer.from(reply + reply);
    expect(boundaries(bytes, [])).toEqual(
      [reply.length, 2 * reply.length].map((n) => Buffer.byteLength(reply) * (n / reply.length)),
    );
  });

  it('finds the same boundaries however the bytes are cut into chunks', () => {
    const stream = Buffer.from(replies.map(([, r]) => r).join(''));
    const expected = boundaries(stream, []);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 40 }),
        (cuts) => {
          expect(boundaries(stream, cuts)).toEqual(expected);
        },
      ),
    );
  });

  it('waits for a reply that is not complete', () => {
    const scanner = new RespFrameScanner();
    const reply = Buffer.from(`*2\r\n${blob('hello')}${blob('world')}`);
    for (let end = 0; end < reply.length; end++) expect(scanner.scan(reply, end)).toBe(-1);
    expect(scanner.scan(reply, reply.length)).toBe(reply.length);
  });

  it('rejects a byte that starts no RESP type', () => {
    expect(() => new RespFrameScanner().scan(Buffer.from('?x\r\n'), 4)).toThrow(RespProtocolError);
  });
});
