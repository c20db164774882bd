import { describe, expect, it } from 'vitest';
import {
  alreadyVerified,
  modelStatus,
} from '../../../../operator/src/controllers/model/model-status.ts';

const T0 = new Date('2026-11-23T10:00:00Z');
const T1 = new Date('2026-11-23T10:05:00Z');
const ok = { ok: true as const, digest: 'a'.repeat(64), sizeBytes: 1234 };

describe('modelStatus', () => {
  it('is Ready with the verified digest, and verifiedTime stays put on a re-check', () => {
    const first = modelStatus(2, undefined, ok, T0);
    expect(first).toMatchObject({
      observedGeneration: 2,
      digest: ok.digest,
      sizeBytes: 1234,
      verifiedTime: '2026-11-23T10:00:00Z',
    });
    expect(first.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'Verified',
    });
    expect(modelStatus(2, first, ok, T1)).toEqual(first);
    expect(alreadyVerified(2, { sha256: ok.digest }, first)).toBe(true);
    expect(alreadyVerified(3, { sha256: ok.digest }, first)).toBe(false);
    expect(alreadyVerified(2, { sha256: 'b'.repeat(64) }, first)).toBe(false);
  });

  it('is Degraded with the reason a person can act on', () => {
    const bad = modelStatus(
      1,
      undefined,
      { ok: false, reason: 'ChecksumMismatch', message: 'checksum mismatch: has sha256 x' },
      T0,
    );
    expect(bad.digest).toBeUndefined();
    expect(
      Object.fromEntries(bad.conditions?.map((c) => [c.type, [c.status, c.reason]]) ?? []),
    ).toEqual({
      Ready: ['False', 'ChecksumMismatch'],
      Progressing: ['False', 'ChecksumMismatch'],
      Degraded: ['True', 'ChecksumMismatch'],
    });
    const unreachable = modelStatus(
      1,
      undefined,
      { ok: false, reason: 'Unreachable', message: 'ECONNREFUSED' },
      T0,
    );
    expect(unreachable.conditions?.find((c) => c.type === 'Progressing')?.status).toBe('True');
  });

  it('moves lastTransitionTime only when Ready flips', () => {
    const bad = modelStatus(1, undefined, { ok: false, reason: 'Unreachable', message: 'x' }, T0);
    const stillBad = modelStatus(
      1,
      bad,
      { ok: false, reason: 'ChecksumMismatch', message: 'y' },
      T1,
    );
    const ready = (s: typeof bad) => s.conditions?.find((c) => c.type === 'Ready');
    expect(ready(stillBad)?.lastTransitionTime).toBe(ready(bad)?.lastTransitionTime);
    const good = modelStatus(1, stillBad, ok, T1);
    expect(ready(good)?.lastTransitionTime).not.toBe(ready(bad)?.lastTransitionTime);
  });
});
