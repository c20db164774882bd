import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../../operator/src/kube/backoff.ts';

const policy = { baseMs: 800, maxMs: 30_000, jitter: 0.5 };

describe('backoffDelay', () => {
  it('doubles per consecutive failure up to the maximum (no jitter drawn)', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 7, 40].map((n) => backoffDelay(n, policy, () => 0));
    expect(delays).toEqual([0, 800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000]);
  });

  it('stretches the delay by at most the jitter fraction and never beyond the maximum', () => {
    expect(backoffDelay(2, policy, () => 0.999)).toBeCloseTo(1600 * 1.4995);
    expect(backoffDelay(7, policy, () => 0.999)).toBe(30_000);
  });
});
