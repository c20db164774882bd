import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeSegment,
  encodeFrame,
  FRAME_HEADER_BYTES,
} from '../../../../runtime/src/ledger/spool-frame.ts';

const frames = (...payloads: string[]) =>
  Buffer.concat(payloads.map((p) => encodeFrame(Buffer.from(p))));

describe('spool framing', () => {
  it('reads back the payloads in order, empty ones included', () => {
    const data = frames('{"a":1}', '', 'third');
    const decoded = decodeSegment(data);
    expect(decoded.frames.map((f) => f.payload.toString())).toEqual(['{"a":1}', '', 'third']);
    expect(decoded.frames.map((f) => f.offset)).toEqual([0, 15, 23]);
    expect(decoded).toMatchObject({ validBytes: data.length, invalidBytes: 0, problem: undefined });
  });

  it.each([
    ['a header cut short', 3, 'truncated header'],
    ['a payload cut short', FRAME_HEADER_BYTES + 2, 'truncated payload'],
  ])('drops a torn tail: %s', (_name, keep, problem) => {
    const whole = frames('first', 'second!');
    const firstEnd = FRAME_HEADER_BYTES + 5;
    const torn = whole.subarray(0, firstEnd + keep);
    const decoded = decodeSegment(torn);
    expect(decoded.frames.map((f) => f.payload.toString())).toEqual(['first']);
    expect(decoded).toMatchObject({ validBytes: firstEnd, invalidBytes: keep, problem });
  });

  it('stops at a frame whose payload no longer matches its checksum', () => {
    const data = frames('first', 'second', 'third');
    const at = FRAME_HEADER_BYTES + 5 + FRAME_HEADER_BYTES; // the first byte of "second"
    data.writeUInt8(data.readUInt8(at) ^ 0x01, at);
    const decoded = decodeSegment(data);
    expect(decoded.frames.map((f) => f.payload.toString())).toEqual(['first']);
    expect(decoded.problem).toBe('checksum mismatch');
    expect(decoded.invalidBytes).toBe(data.length - (FRAME_HEADER_BYTES + 5));
  });

  it('reads an absurd length as garbage instead of allocating it', () => {
    const data = Buffer.concat([frames('ok'), Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])]);
    expect(decodeSegment(data)).toMatchObject({ problem: 'bad length', validBytes: 10 });
  });

  it('recovers exactly the whole frames before any cut (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }),
        fc.nat(),
        (payloads, cutSeed) => {
          const encoded = payloads.map((p) => encodeFrame(p));
          const data = Buffer.concat(encoded);
          const cut = data.length === 0 ? 0 : cutSeed % (data.length + 1);
          const decoded = decodeSegment(data.subarray(0, cut));
          let end = 0;
          const whole: Uint8Array[] = [];
          for (const [i, e] of encoded.entries()) {
            if (end + e.length > cut) break;
            end += e.length;
            whole.push(payloads[i] ?? new Uint8Array());
          }
          expect(decoded.frames.map((f) => new Uint8Array(f.payload))).toEqual(whole);
          expect(decoded.validBytes).toBe(end);
          expect(decoded.invalidBytes).toBe(cut - end);
        },
      ),
    );
  });
});
