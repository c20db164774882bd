// The strategies the fleet has no room for (sharding/admit.ts), as the fleet controller tells
// the Strategy controller: a ConfigMap in the fleet's namespace, present only while some are
// left out, so their status can say why (reason ShardLimit) instead of waiting to be placed.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { MANAGED_BY, RUNNER_LABELS } from '../strategy/desired-runners.ts';

export const OVERFLOW_CONFIGMAP = 'flotilla-shard-overflow';
const KEY = 'overflow.json';

/** Strategies left out, and the limits that left them out. */
export interface ShardOverflow {
  strategies: string[];
  capacity: number;
  maxShards: number;
}

export function overflowConfigMap(namespace: string, overflow: ShardOverflow): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: OVERFLOW_CONFIGMAP,
      namespace,
      labels: { ...RUNNER_LABELS, 'app.kubernetes.io/managed-by': MANAGED_BY },
    },
    data: { [KEY]: JSON.stringify(overflow) },
  };
}

export function isOverflowConfigMap(cm: V1ConfigMap): boolean {
  return (
    cm.metadata?.name === OVERFLOW_CONFIGMAP &&
    cm.metadata.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY
  );
}

// Parsed once per ConfigMap object: the Strategy controller reads it in every reconcile, and
// the informer hands out a new object only when the ConfigMap changes.
const parsed = new WeakMap<V1ConfigMap, ShardOverflow | undefined>();

/** What the overflow ConfigMap says; undefined when it is absent or not ours or unreadable. */
export function readOverflow(configMaps: readonly V1ConfigMap[]): ShardOverflow | undefined {
  const cm = configMaps.find(isOverflowConfigMap);
  if (cm === undefined) return undefined;
  if (!parsed.has(cm)) parsed.set(cm, parseOverflow(cm.data?.[KEY]));
  return parsed.get(cm);
}

function parseOverflow(text: string | undefined): ShardOverflow | undefined {
  if (text === undefined) return undefined;
  try {
    const o = JSON.parse(text) as Partial<ShardOverflow>;
    if (
      !Array.isArray(o.strategies) ||
      !o.strategies.every((s) => typeof s === 'string') ||
      !Number.isInteger(o.capacity) ||
      !Number.isInteger(o.maxShards)
    )
      return undefined;
    return o as ShardOverflow;
  } catch {
    return undefined; // rewritten by the next render
  }
}

/** Why a strategy left out has no shard: the limits and what to do. */
export function overflowMessage(o: ShardOverflow): string {
  const room = o.capacity * o.maxShards;
  return `no room on the runners: they hold ${room} strategies (shardCapacity ${o.capacity} × maxShards ${o.maxShards}) and ${room} are placed; raise runner.shardCapacity or runner.maxShards, or delete strategies (${o.strategies.length} left out)`;
}
