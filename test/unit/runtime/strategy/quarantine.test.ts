import { describe, expect, it } from 'vitest';
import {
  freshQuarantine,
  isQuarantined,
  recordFailure,
  recordSuccess,
} from '../../../../runtime/src/strategy/quarantine.ts';

const policy = { failuresToTrip: 3, baseMs: 1_000, maxMs: 4_000 };

describe('quarantine', () => {
  it('trips after the third consecutive failure and backs off exponentially up to the cap', () => {
    const s = freshQuarantine();
    expect(recordFailure(s, 0, 'a', policy)).toBe(false);
    expect(recordFailure(s, 0, 'b', policy)).toBe(false);
    expect(recordFailure(s, 0, 'c', policy)).toBe(true);
    expect(s.until).toBe(1_000);
    expect(isQuarantined(s, 999)).toBe(true);
    expect(isQuarantined(s, 1_000)).toBe(false);
    // Half-open: one more failure after the backoff trips again, for twice as long.
    expect(recordFailure(s, 1_000, 'd', policy)).toBe(true);
    expect(s.until).toBe(3_000);
    expect(recordFailure(s, 3_000, 'e', policy)).toBe(true);
    expect(s.until).toBe(7_000);
    expect(recordFailure(s, 7_000, 'f', policy)).toBe(true);
    expect(s.until).toBe(11_000);
    expect(s.lastError).toBe('f');
  });

  it('a success resets the count and the backoff', () => {
    const s = freshQuarantine();
    for (let i = 0; i < 3; i++) recordFailure(s, 0, 'x', policy);
    recordSuccess(s);
    expect(s).toMatchObject({ consecutiveFailures: 0, trips: 0, until: 0 });
    expect(recordFailure(s, 5_000, 'y', policy)).toBe(false);
  });
});
