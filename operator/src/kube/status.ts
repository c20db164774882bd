// Status is written through the /status subresource, only when it changed (cert-manager's
// readiness controller: `if !apiequality.Semantic.DeepEqual(old.Status, new.Status)`).
// Conditions follow the Kubernetes API conventions: one per type, lastTransitionTime moves
// only when the status flips.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Static } from 'typebox';
import type { Condition as ConditionSchema } from '../api/v1alpha1/common.ts';
import { clientFor, type KubeClient } from './client.ts';
import { jsonEqual, mergePatch } from './json.ts';
import { keyOf } from './object-key.ts';
import type { ResourceType } from './resource-type.ts';

export type Condition = Static<typeof ConditionSchema>;
export type ConditionStatus = Condition['status'];

export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** metav1.Time: RFC 3339 in whole seconds. */
export function metaTime(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The conditions with `c` set (pure; the input is not changed, other conditions keep their order). */
export function setCondition(
  conditions: Condition[] | undefined,
  c: ConditionUpdate,
  observedGeneration: number,
  now: Date,
): Condition[] {
  const list = conditions ?? [];
  const existing = list.find((x) => x.type === c.type);
  const next: Condition = {
    type: c.type,
    status: c.status,
    observedGeneration,
    lastTransitionTime:
      existing && existing.status === c.status ? existing.lastTransitionTime : metaTime(now),
    reason: c.reason,
    message: c.message,
  };
  return existing ? list.map((x) => (x === existing ? next : x)) : [...list, next];
}

export function findCondition(
  conditions: Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Semantic deep equality of two statuses: key order and undefined-valued keys do not matter. */
export function statusEqual(a: unknown, b: unknown): boolean {
  return jsonEqual(a ?? {}, b ?? {});
}

/**
 * Merge-patches `obj`'s /status to `status` when it differs from `obj.status` (the informer's
 * copy); fields `status` drops are removed. Returns whether it wrote.
 */
export async function patchStatus<S>(
  kc: KubeConfig | KubeClient,
  type: ResourceType,
  obj: KubernetesObject & { status?: S },
  status: S,
): Promise<boolean> {
  if (statusEqual(obj.status, status)) return false;
  await clientFor(kc).patch(
    type,
    keyOf(obj),
    { status: mergePatch(obj.status ?? {}, status) },
    'merge',
    {
      subresource: 'status',
    },
  );
  return true;
}
