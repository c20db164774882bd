// Leader election decisions on a coordination.k8s.io/v1 Lease, without I/O (client-go's
// leaderelection). Expiry is judged by the local clock since this replica last saw the record
// change, never by comparing its renewTime with the local clock, so clock skew between replicas
// does not matter.

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export type LeaseAction =
  /** Free, expired, or ours to take: write ourselves in as holder. */
  | { kind: 'acquire' }
  /** Ours: write a fresh renewTime. */
  | { kind: 'renew' }
  /** Someone else holds it and renewed within the lease duration. */
  | { kind: 'wait'; holder: string };

/** When this replica last saw a different record, and which. */
export interface Observation {
  record: string;
  atMs: number;
}

export function observe(
  previous: Observation | undefined,
  spec: LeaseSpec,
  nowMs: number,
): Observation {
  const record = JSON.stringify([
    spec.holderIdentity ?? '',
    spec.renewTime ?? '',
    spec.leaseTransitions ?? 0,
  ]);
  return previous?.record === record ? previous : { record, atMs: nowMs };
}

export function decideLease(
  spec: LeaseSpec,
  identity: string,
  observed: Observation,
  nowMs: number,
  leaseDurationMs: number,
): LeaseAction {
  const holder = spec.holderIdentity ?? '';
  if (holder === identity) return { kind: 'renew' };
  if (holder === '' || nowMs >= observed.atMs + leaseDurationMs) return { kind: 'acquire' };
  return { kind: 'wait', holder };
}

/** MicroTime as the API server parses it: RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function nextLeaseSpec(
  action: 'acquire' | 'renew',
  spec: LeaseSpec,
  identity: string,
  now: Date,
  leaseDurationMs: number,
): LeaseSpec {
  const leaseDurationSeconds = Math.max(1, Math.ceil(leaseDurationMs / 1000));
  if (action === 'renew') return { ...spec, leaseDurationSeconds, renewTime: microTime(now) };
  // Every change of hands of an existing record counts, also after a release (as client-go).
  const changesHands = (spec.holderIdentity ?? '') !== identity && spec.renewTime !== undefined;
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: microTime(now),
    renewTime: microTime(now),
    leaseTransitions: (spec.leaseTransitions ?? 0) + (changesHands ? 1 : 0),
  };
}

/** The record a leader leaves on shutdown: no holder, so a standby takes over at once. */
export function releasedLeaseSpec(spec: LeaseSpec, now: Date): LeaseSpec {
  return {
    leaseDurationSeconds: 1,
    acquireTime: microTime(now),
    renewTime: microTime(now),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}
