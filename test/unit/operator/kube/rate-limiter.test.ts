import { describe, expect, it } from 'vitest';
import { ControllerRateLimiter, TokenBucket } from '../../../../operator/src/kube/rate-limiter.ts';

function clock(start = 0) {
  const c = { now: start, read: () => c.now };
  return c;
}

describe('TokenBucket', () => {
  it('allows a burst, then one token per 1/qps seconds', () => {
    const c = clock();
    const bucket = new TokenBucket(10, 3, c.read);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    expect(bucket.reserve()).toBeCloseTo(100);
    expect(bucket.reserve()).toBeCloseTo(200);
    c.now += 1000; // refills 10 tokens, capped at the burst of 3 (after the 2 owed)
    expect(bucket.reserve()).toBe(0);
  });
});

describe('ControllerRateLimiter', () => {
  it('doubles the delay per failure of a key up to the maximum', () => {
    const r = new ControllerRateLimiter({
      baseDelayMs: 5,
      maxDelayMs: 100,
      qps: 1000,
      burst: 1000,
    });
    expect(Array.from({ length: 7 }, () => r.when('k'))).toEqual([5, 10, 20, 40, 80, 100, 100]);
    expect(r.when('other')).toBe(5);
    expect(r.numRequeues('k')).toBe(7);
  });

  it('applies the overall bucket when many keys fail at once (the later of the two wins)', () => {
    const c = clock();
    const r = new ControllerRateLimiter({ qps: 10, burst: 100 }, c.read);
    const delays = Array.from({ length: 101 }, (_, i) => r.when(`key-${i}`));
    expect(delays.slice(0, 100).every((d) => d === 5)).toBe(true);
    expect(delays[100]).toBeCloseTo(100);
  });

  it('uses the defaults of client-go: 5 ms to 1000 s', () => {
    const r = new ControllerRateLimiter({}, () => 0);
    const delays = Array.from({ length: 30 }, () => r.when('k'));
    expect(delays[0]).toBe(5);
    expect(Math.max(...delays)).toBe(1_000_000);
  });
});
