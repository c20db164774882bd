// What the controller layer needs to know about a Kind to build its REST paths without discovery.
import { circuitBreakerKind } from '../api/v1alpha1/circuit-breaker.ts';
import { GROUP, VERSION } from '../api/v1alpha1/common.ts';
import { experimentKind } from '../api/v1alpha1/experiment.ts';
import { modelKind } from '../api/v1alpha1/model.ts';
import { strategyKind } from '../api/v1alpha1/strategy.ts';
import type { ObjectKey } from './object-key.ts';

export interface ResourceType {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

function type(group: string, version: string, kind: string, plural: string): ResourceType {
  return { group, version, kind, plural, namespaced: true };
}

/** Built-in Kinds the operator reads or writes. */
export const CORE = {
  configMap: type('', 'v1', 'ConfigMap', 'configmaps'),
  secret: type('', 'v1', 'Secret', 'secrets'),
  service: type('', 'v1', 'Service', 'services'),
  serviceAccount: type('', 'v1', 'ServiceAccount', 'serviceaccounts'),
  pod: type('', 'v1', 'Pod', 'pods'),
  event: type('', 'v1', 'Event', 'events'),
  namespace: {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
  },
  statefulSet: type('apps', 'v1', 'StatefulSet', 'statefulsets'),
  deployment: type('apps', 'v1', 'Deployment', 'deployments'),
  podDisruptionBudget: type('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  lease: type('coordination.k8s.io', 'v1', 'Lease', 'leases'),
} as const satisfies Record<string, ResourceType>;

/** The flotilla.dev Kinds, from the same definitions the CRDs are generated from. */
export const FLOTILLA = {
  strategy: type(GROUP, VERSION, strategyKind.kind, strategyKind.plural),
  model: type(GROUP, VERSION, modelKind.kind, modelKind.plural),
  experiment: type(GROUP, VERSION, experimentKind.kind, experimentKind.plural),
  circuitBreaker: type(GROUP, VERSION, circuitBreakerKind.kind, circuitBreakerKind.plural),
} as const satisfies Record<string, ResourceType>;

const KNOWN: ResourceType[] = [...Object.values(CORE), ...Object.values(FLOTILLA)];

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** The known type of an object's apiVersion and kind, or undefined (then ask discovery). */
export function knownResourceType(apiVersion: string, kind: string): ResourceType | undefined {
  return KNOWN.find((t) => t.kind === kind && apiVersionOf(t) === apiVersion);
}

/** `/api/v1/namespaces/ns/configmaps`; all namespaces when `namespace` is undefined. */
export function collectionPath(t: ResourceType, namespace?: string): string {
  const root = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const ns = t.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${t.plural}`;
}

/** `/apis/apps/v1/namespaces/ns/statefulsets/name[/status]`. */
export function objectPath(t: ResourceType, key: ObjectKey, subresource?: string): string {
  if (t.namespaced && !key.namespace)
    throw new Error(`${t.kind} ${key.name} is namespaced: its key needs a namespace`);
  const base = `${collectionPath(t, key.namespace)}/${encodeURIComponent(key.name)}`;
  return subresource ? `${base}/${subresource}` : base;
}
