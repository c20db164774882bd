// Row-list comparison that allows float sums to differ in their last bits (engines add in their
// own order) and is exact for everything else.
import { expect } from 'vitest';

export function expectRowsClose<T extends object>(actual: T[], expected: T[], what: string): void {
  expect(actual.length, `${what}: row count`).toBe(expected.length);
  actual.forEach((row, i) => {
    const want = expected[i] as Record<string, unknown>;
    const got = row as Record<string, unknown>;
    expect(Object.keys(got).sort(), `${what}[${i}] columns`).toEqual(Object.keys(want).sort());
    for (const [key, value] of Object.entries(want)) {
      const label = `${what}[${i}].${key}`;
      if (typeof value === 'number' && !Number.isInteger(value)) {
        const tolerance = 1e-9 * Math.max(1, Math.abs(value));
        expect(Math.abs((got[key] as number) - value), label).toBeLessThanOrEqual(tolerance);
      } else {
        expect(got[key], label).toEqual(value);
      }
    }
  });
}
