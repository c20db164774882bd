import { describe, expect, it } from 'vitest';
import { Breaker, type BreakerState } from '../../../../runtime/src/inference/breaker.ts';

/** A breaker on a hand-driven clock, recording its transitions. */
function breaker(failures = 2, cooldownMs = 100, maxCooldownMs = 350) {
  let now = 0;
  const b = new Breaker({ failures, cooldownMs, maxCooldownMs }, () => now);
  const states: BreakerState[] = [];
  b.onChange = (s) => states.push(s);
  return { b, states, advance: (ms: number) => (now += ms) };
}

/** Runs one call: start it if allowed, record its outcome. Returns whether it ran. */
const call = (b: Breaker, ok: boolean) => {
  if (!b.tryStart()) return false;
  b.record(ok);
  return true;
};

describe('Breaker', () => {
  it('opens after `failures` consecutive failures; a success in between resets the count', () => {
    const { b, states } = breaker(3);
    call(b, false);
    call(b, false);
    call(b, true);
    call(b, false);
    call(b, false);
    expect(b.state).toBe('closed');
    call(b, false);
    expect(b.state).toBe('open');
    expect(states).toEqual(['open']);
  });

  it('refuses while open, lets exactly one probe through after the cooldown', () => {
    const { b, advance } = breaker();
    call(b, false);
    call(b, false);
    expect(b.admits()).toBe(false);
    expect(b.tryStart()).toBe(false);
    advance(99);
    expect(b.tryStart()).toBe(false);
    advance(1);
    expect(b.admits()).toBe(true);
    expect(b.tryStart()).toBe(true);
    expect(b.state).toBe('half-open');
    expect(b.tryStart()).toBe(false); // the probe is still running
  });

  it.each([
    { probe: true, state: 'closed' },
    { probe: false, state: 'open' },
  ] as const)('a probe that ends ok=$probe leaves it $state', ({ probe, state }) => {
    const { b, states, advance } = breaker();
    call(b, false);
    call(b, false);
    advance(100);
    call(b, probe);
    expect(b.state).toBe(state);
    expect(states).toEqual(['open', 'half-open', state]);
  });

  it('doubles the cooldown on each failed probe up to the limit, and resets it on success', () => {
    const { b, advance } = breaker(1, 100, 350);
    call(b, false);
    const cooldowns: number[] = [];
    for (let i = 0; i < 4; i++) {
      let waited = 0;
      while (!b.admits()) {
        advance(10);
        waited += 10;
      }
      cooldowns.push(waited);
      call(b, false);
    }
    expect(cooldowns).toEqual([100, 200, 350, 350]);
    while (!b.admits()) advance(10);
    call(b, true);
    call(b, false);
    let waited = 0;
    while (!b.admits()) {
      advance(10);
      waited += 10;
    }
    expect(waited).toBe(100);
  });
});
