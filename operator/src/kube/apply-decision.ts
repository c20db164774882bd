// Whether a child must be written, decided without I/O. A converged object must cost zero API
// writes, and a hand edit must be reverted. Two checks, because each alone fails one of those:
// - the hash of the desired object, stored in an annotation when applying, says whether *we*
//   changed our mind since the last apply (exact; immune to the server's defaulting);
// - a deep-subset check of desired against live says whether *someone else* changed a field we
//   own (the server adds defaults and status, so live may hold more than desired, never less).
// The subset check treats an empty list or map and a false, 0 or "" in desired as matching an
// absent field (the API server drops them from objects), so desired objects should be written in
// the server's canonical form (e.g. quantities as the server prints them).

import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { canonicalJson, isPlainObject } from './json.ts';

export const APPLIED_HASH_ANNOTATION = 'flotilla.dev/applied-hash';

export type ApplyDecision =
  | { apply: false; hash: string }
  | {
      apply: true;
      hash: string;
      /** missing: no live object; changed: desired differs from the last apply; drifted: live was edited. */
      reason: 'missing' | 'changed' | 'drifted';
      /** For `drifted`: the first field that differs, e.g. `data.mode`. */
      path?: string;
    };

export function desiredHash(desired: KubernetesObject): string {
  const annotations = { ...desired.metadata?.annotations };
  delete annotations[APPLIED_HASH_ANNOTATION];
  const normalised = { ...desired, metadata: { ...desired.metadata, annotations } };
  return createHash('sha256').update(canonicalJson(normalised)).digest('hex').slice(0, 32);
}

export function applyDecision(
  desired: KubernetesObject,
  live: KubernetesObject | undefined,
): ApplyDecision {
  const hash = desiredHash(desired);
  if (!live) return { apply: true, hash, reason: 'missing' };
  if (live.metadata?.annotations?.[APPLIED_HASH_ANNOTATION] !== hash)
    return { apply: true, hash, reason: 'changed' };
  const path = firstDifference(desired, live, '');
  if (path !== undefined) return { apply: true, hash, reason: 'drifted', path };
  return { apply: false, hash };
}

/** The path of the first field of `desired` that `live` lacks or holds differently; undefined if none. */
export function firstDifference(desired: unknown, live: unknown, path = ''): string | undefined {
  if (desired === undefined) return undefined;
  if (live === undefined || live === null) return isEmpty(desired) ? undefined : path || '.';
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return path || '.';
    for (let i = 0; i < desired.length; i++) {
      const p = firstDifference(desired[i], live[i], `${path}[${i}]`);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) return path || '.';
    for (const [k, v] of Object.entries(desired)) {
      const p = firstDifference(v, live[k], path ? `${path}.${k}` : k);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  return desired === live ? undefined : path || '.';
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) return Object.values(v).every((x) => x === undefined || isEmpty(x));
  return false;
}
