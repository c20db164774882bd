import { describe, expect, it } from 'vitest';
import { InstrumentHistory } from '../../../../runtime/src/market/instrument-history.ts';

describe('InstrumentHistory', () => {
  it('keeps timestamp, price and volume of each tick together, newest first', () => {
    const h = new InstrumentHistory(2);
    h.push(1000, 10, 1);
    h.push(2000, 11, 2);
    h.push(3000, 12, 3);
    expect([h.ts(0), h.price(0), h.volume(0)]).toEqual([3000, 12, 3]);
    expect([h.ts(1), h.price(1), h.volume(1)]).toEqual([2000, 11, 2]);
    expect(h.price(2)).toBeNaN();
    expect({ length: h.length, count: h.count, capacity: h.capacity }).toEqual({
      length: 2,
      count: 3,
      capacity: 2,
    });
  });

  it('grows keeping the held ticks in order', () => {
    const h = new InstrumentHistory(4);
    for (let i = 0; i < 7; i++) h.push(i, 100 + i, i / 10);
    h.ensureCapacity(5);
    expect(h.capacity).toBe(8);
    expect(h.utilization()).toBe(0.5);
    h.push(7, 107, 0.7);
    expect(Array.from({ length: h.length }, (_, i) => h.price(i))).toEqual([
      107, 106, 105, 104, 103,
    ]);
    expect(Array.from({ length: h.length }, (_, i) => h.ts(i))).toEqual([7, 6, 5, 4, 3]);
    expect(h.volume(4)).toBe(0.3);
  });
});
