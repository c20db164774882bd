import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cohortPercentiles } from '../../../../runtime/src/outcomes/cohort-percentile.ts';

describe('cohortPercentiles', () => {
  it.each([
    [[0.7], [50]],
    [
      [1, 2],
      [0, 100],
    ],
    [
      [3, 1, 2],
      [100, 0, 50],
    ],
    [
      [2, 2],
      [50, 50],
    ],
    [
      [1, 2, 2, 3],
      [0, 50, 50, 100],
    ],
    [
      [-1, -1, -1, 5],
      [100 / 3, 100 / 3, 100 / 3, 100],
    ],
    [
      [0, 0, 0],
      [50, 50, 50],
    ],
  ])('%j -> %j', (values, expected) => {
    const got = cohortPercentiles(values);
    expect(got).toHaveLength(expected.length);
    got.forEach((p, i) => {
      expect(p).toBeCloseTo(expected[i] as number, 12);
    });
  });

  it('ranks 0..100, ties equal, order-independent, and averages 50', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 2, maxLength: 30 }),
        (values) => {
          const p = cohortPercentiles(values);
          const reversed = cohortPercentiles([...values].reverse()).reverse();
          expect(p).toEqual(reversed);
          expect(p.reduce((a, b) => a + b, 0) / p.length).toBeCloseTo(50, 9);
          values.forEach((v, i) => {
            values.forEach((w, j) => {
              if (v < w) expect(p[i]).toBeLessThan(p[j] as number);
              if (v === w) expect(p[i]).toBe(p[j]);
            });
          });
        },
      ),
    );
  });
});
