import { describe, expect, it } from 'vitest';
import {
  decideLease,
  type LeaseSpec,
  microTime,
  nextLeaseSpec,
  observe,
  releasedLeaseSpec,
} from '../../../../operator/src/kube/lease.ts';

const held = (holder: string, renewTime = '2026-01-01T00:00:00.000000Z'): LeaseSpec => ({
  holderIdentity: holder,
  renewTime,
  leaseTransitions: 3,
});

describe('decideLease', () => {
  const LEASE_MS = 8000;
  it.each([
    { name: 'free lease', spec: {}, seenMsAgo: 0, want: 'acquire' },
    {
      name: 'released lease',
      spec: releasedLeaseSpec(held('a'), new Date()),
      seenMsAgo: 0,
      want: 'acquire',
    },
    { name: 'our own lease', spec: held('me'), seenMsAgo: 60_000, want: 'renew' },
    { name: 'another holder renewing', spec: held('other'), seenMsAgo: 7999, want: 'wait' },
    {
      name: 'another holder silent for the lease duration',
      spec: held('other'),
      seenMsAgo: 8000,
      want: 'acquire',
    },
  ])('$name -> $want', ({ spec, seenMsAgo, want }) => {
    const now = 100_000;
    const observed = observe(undefined, spec, now - seenMsAgo);
    expect(decideLease(spec, 'me', observed, now, LEASE_MS).kind).toBe(want);
  });

  it('measures expiry from when the record last changed, by the local clock', () => {
    const first = observe(undefined, held('other', 't1'), 1000);
    expect(observe(first, held('other', 't1'), 5000)).toBe(first);
    const renewed = observe(first, held('other', 't2'), 5000);
    expect(renewed.atMs).toBe(5000);
    expect(decideLease(held('other', 't2'), 'me', renewed, 12_000, 8000).kind).toBe('wait');
  });
});

describe('lease records', () => {
  const now = new Date('2026-03-04T05:06:07.089Z');
  it('writes MicroTime with six fractional digits', () => {
    expect(microTime(now)).toBe('2026-03-04T05:06:07.089000Z');
  });

  it('counts a change of hands, not a renewal or the first acquisition', () => {
    expect(nextLeaseSpec('acquire', {}, 'me', now, 8000)).toEqual({
      holderIdentity: 'me',
      leaseDurationSeconds: 8,
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    });
    expect(nextLeaseSpec('acquire', held('other'), 'me', now, 8000).leaseTransitions).toBe(4);
    expect(
      nextLeaseSpec('acquire', releasedLeaseSpec(held('other'), now), 'me', now, 8000)
        .leaseTransitions,
    ).toBe(4);
    const renewed = nextLeaseSpec('renew', held('me'), 'me', now, 8000);
    expect(renewed).toMatchObject({
      holderIdentity: 'me',
      leaseTransitions: 3,
      renewTime: microTime(now),
    });
  });

  it('leaves no holder when released', () => {
    const released = releasedLeaseSpec(held('me'), now);
    expect(released.holderIdentity).toBeUndefined();
    expect(released.leaseTransitions).toBe(3);
  });
});
