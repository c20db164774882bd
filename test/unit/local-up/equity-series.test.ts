import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equitySeries } from '../../../cli/local-up/report/equity-series.ts';

const points = (n: number, start = 1_700_000_000_000) =>
  Array.from({ length: n }, (_, i) => ({ ts_ms: start + i * 1_000, equity: i }));

describe('equitySeries', () => {
  it('puts minutes since the first point on x and equity on y', () => {
    expect(equitySeries(points(3))).toEqual([
      { x: 0, y: 0 },
      { x: 0.0167, y: 1 },
      { x: 0.0333, y: 2 },
    ]);
  });

  it('is empty for an empty curve', () => {
    expect(equitySeries([])).toEqual([]);
  });

  it('keeps at most max points, the first and the last among them, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 2, max: 300 }),
        (n, max) => {
          const curve = points(n);
          const s = equitySeries(curve, max);
          expect(s.length).toBe(Math.min(n, max));
          expect(s[0]?.y).toBe(0);
          expect(s.at(-1)?.y).toBe(n - 1);
          for (let i = 1; i < s.length; i++)
            expect(s[i]?.y as number).toBeGreaterThan(s[i - 1]?.y as number);
        },
      ),
    );
  });

  it('refuses a max below 2', () => {
    expect(() => equitySeries(points(3), 1)).toThrow('max: 1 must be an integer >= 2');
  });
});
