// Children are written with server-side apply under one field manager, and only when
// applyDecision says the live object differs (see apply-decision.ts for why two checks).
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { APPLIED_HASH_ANNOTATION, applyDecision } from './apply-decision.ts';
import { clientFor, type KubeClient } from './client.ts';
import { keyOf, type ObjectKey } from './object-key.ts';
import type { ResourceType } from './resource-type.ts';

export const FIELD_MANAGER = 'flotilla-operator';

export interface ApplyOutcome<T extends KubernetesObject> {
  written: boolean;
  /** The object as the server returned it, or `live` when nothing was written. */
  object: T;
  /** Why it was written (missing, changed, drifted), and for drift the first differing field. */
  reason?: 'missing' | 'changed' | 'drifted';
  path?: string;
}

/**
 * Server-side applies `desired` (which must carry apiVersion, kind, name and, if namespaced,
 * namespace) when `live` (from the informer cache; undefined if absent) differs from it.
 * `type` saves a discovery request for Kinds outside CORE and FLOTILLA.
 */
export async function applyIfChanged<T extends KubernetesObject>(
  kc: KubeConfig | KubeClient,
  desired: T,
  live: T | undefined,
  type?: ResourceType,
): Promise<ApplyOutcome<T>> {
  const decision = applyDecision(desired, live);
  // (live is always set when nothing is to be applied: a missing object is applied.)
  if (!decision.apply) return { written: false, object: live ?? desired };
  const client = clientFor(kc);
  const body = {
    ...desired,
    metadata: {
      ...desired.metadata,
      annotations: { ...desired.metadata?.annotations, [APPLIED_HASH_ANNOTATION]: decision.hash },
    },
  };
  const resourceType =
    type ?? (await client.resourceType(desired.apiVersion ?? '', desired.kind ?? ''));
  const object = await client.patch<T>(resourceType, keyOf(desired), body, 'apply', {
    fieldManager: FIELD_MANAGER,
    force: true,
  });
  return { written: true, object, reason: decision.reason, path: decision.path };
}

/** Deletes the object if it exists (children are garbage-collected in the background). */
export function deleteIfExists(
  kc: KubeConfig | KubeClient,
  type: ResourceType,
  key: ObjectKey,
  opts: { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'; uid?: string } = {},
): Promise<boolean> {
  return clientFor(kc).delete(type, key, { propagationPolicy: 'Background', ...opts });
}
