import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextPowerOfTwo, RingBuffer } from '../../../../runtime/src/market/ring-buffer.ts';

/** Newest first, as `at(0), at(1), ...`. */
const contents = (r: RingBuffer) => Array.from({ length: r.length }, (_, i) => r.at(i));

describe('nextPowerOfTwo', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 4],
    [256, 256],
    [257, 512],
    [10_001, 16_384],
    [2 ** 30, 2 ** 30],
  ])('%i -> %i', (n, p) => {
    expect(nextPowerOfTwo(n)).toBe(p);
  });

  it.each([0, -1, 1.5, 2 ** 30 + 1, Number.NaN])('refuses %d', (n) => {
    expect(() => nextPowerOfTwo(n)).toThrow(
      /ring capacity .* is not an integer in 1\.\.1073741824/,
    );
  });
});

describe('RingBuffer', () => {
  it('rounds its capacity up to a power of two', () => {
    expect(new RingBuffer(5).capacity).toBe(8);
  });

  it('reads newest first and wraps around, dropping the oldest', () => {
    const r = new RingBuffer(4);
    for (let i = 1; i <= 6; i++) r.push(i);
    expect(contents(r)).toEqual([6, 5, 4, 3]);
    expect(r.length).toBe(4);
    expect(r.count).toBe(6);
  });

  it('returns NaN for values it does not hold', () => {
    const r = new RingBuffer(4);
    r.push(1);
    expect([r.at(1), r.at(-1), r.at(4)]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  it('reports utilisation', () => {
    const r = new RingBuffer(8);
    expect(r.utilization()).toBe(0);
    for (let i = 0; i < 6; i++) r.push(i);
    expect(r.utilization()).toBe(0.75);
    for (let i = 0; i < 6; i++) r.push(i);
    expect(r.utilization()).toBe(1);
  });

  it('keeps the held values in order when it grows, and never shrinks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.double({ noNaN: true }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.double({ noNaN: true }), { maxLength: 50 }),
        (cap, before, grow, after) => {
          const r = new RingBuffer(cap);
          for (const v of before) r.push(v);
          const held = contents(r);
          r.ensureCapacity(grow);
          expect(r.capacity).toBe(Math.max(nextPowerOfTwo(cap), nextPowerOfTwo(grow)));
          expect(contents(r)).toEqual(held);
          for (const v of after) r.push(v);
          expect(contents(r)).toEqual([...after].reverse().concat(held).slice(0, r.length));
          expect(r.length).toBe(Math.min(r.capacity, held.length + after.length));
          expect(r.count).toBe(before.length + after.length);
        },
      ),
    );
  });
});
