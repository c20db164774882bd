// The key a work queue carries: `namespace/name` (or `name` for cluster-scoped objects), as in
// client-go's MetaNamespaceKeyFunc.
import type { KubernetesObject } from '@kubernetes/client-node';

export interface ObjectKey {
  namespace?: string;
  name: string;
}

export function keyOf(obj: KubernetesObject): ObjectKey {
  const name = obj.metadata?.name;
  if (!name)
    throw new Error(`a ${obj.kind ?? 'Kubernetes object'} without metadata.name has no key`);
  const namespace = obj.metadata?.namespace;
  return namespace ? { namespace, name } : { name };
}

export function formatKey(key: ObjectKey): string {
  return key.namespace ? `${key.namespace}/${key.name}` : key.name;
}

export function parseKey(s: string): ObjectKey {
  const parts = s.split('/');
  if (parts.length === 1 && parts[0]) return { name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new Error(`"${s}" is not an object key: expected "namespace/name" or "name"`);
}
