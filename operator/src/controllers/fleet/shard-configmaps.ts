// The shard ConfigMaps the operator wrote before: the fleet's previous placement and each
// shard's last config generation. Pure; a ConfigMap the runner could not parse is treated as
// absent (the next render replaces it).
import type { V1ConfigMap } from '@kubernetes/client-node';
import { parseShardConfig } from '../../api/shard/parse.ts';
import {
  SHARD_CONFIG_KEY,
  type ShardConfig,
  shardConfigMapName,
} from '../../api/shard/shard-config.ts';
import { MANAGED_BY, RUNNER_LABELS } from '../strategy/desired-runners.ts';
import type { Placement } from '../strategy/strategy-status.ts';

export const SHARD_LABEL = 'flotilla.dev/shard';

const SHARD_NAME = /^flotilla-shard-(\d{1,3})$/;

/** The shard number of an operator-managed shard ConfigMap, else undefined. */
export function shardOf(cm: V1ConfigMap): number | undefined {
  const labels = cm.metadata?.labels ?? {};
  if (labels['app.kubernetes.io/managed-by'] !== MANAGED_BY) return undefined;
  const m = SHARD_NAME.exec(cm.metadata?.name ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Parsed configs by shard number (unparseable ones left out). */
export function readShardConfigs(configMaps: readonly V1ConfigMap[]): Map<number, ShardConfig> {
  const out = new Map<number, ShardConfig>();
  for (const cm of configMaps) {
    const shard = shardOf(cm);
    const text = cm.data?.[SHARD_CONFIG_KEY];
    if (shard === undefined || text === undefined) continue;
    try {
      out.set(shard, parseShardConfig(text, cm.metadata?.name));
    } catch {
      // Rewritten by the next render.
    }
  }
  return out;
}

/** strategy name -> shard, as the existing ConfigMaps place them. */
export function previousPlacement(configs: ReadonlyMap<number, ShardConfig>) {
  const out: Record<string, number> = {};
  for (const [shard, config] of configs) for (const s of config.strategies) out[s.name] = shard;
  return out;
}

export function shardConfigMap(namespace: string, config: ShardConfig): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: shardConfigMapName(config.shard),
      namespace,
      labels: {
        ...RUNNER_LABELS,
        'app.kubernetes.io/managed-by': MANAGED_BY,
        [SHARD_LABEL]: String(config.shard),
      },
    },
    data: { [SHARD_CONFIG_KEY]: JSON.stringify(config) },
  };
}

const placementCache = new WeakMap<
  ReadonlyMap<number, ShardConfig>,
  ReturnType<typeof placementsOf>
>();

/** placementsOf, computed once per configs object (cachedShardConfigs keeps it stable). */
export function cachedPlacements(configs: ReadonlyMap<number, ShardConfig>) {
  let out = placementCache.get(configs);
  if (!out) {
    out = placementsOf(configs);
    placementCache.set(configs, out);
  }
  return out;
}

/** Where each strategy runs: shard, the generation it was resolved from, and its model digest. */
export function placementsOf(configs: ReadonlyMap<number, ShardConfig>): Map<string, Placement> {
  const out = new Map<string, Placement>();
  for (const [shard, config] of configs)
    for (const s of config.strategies)
      out.set(s.name, {
        shard,
        strategyGeneration: s.generation,
        configGeneration: config.generation,
        ...(s.model ? { modelDigest: s.model.sha256 } : {}),
      });
  return out;
}

/**
 * Parsed shard configs, each ConfigMap parsed (and validated) once per resourceVersion.
 * `configs()` returns the same Map object until a ConfigMap changes, so derived indexes
 * (cachedPlacements) are computed once per change too.
 */
export class ShardConfigCache {
  readonly #parsed = new Map<string, { rv: string; config: ShardConfig | undefined }>();
  #signature = '';
  #configs: ReadonlyMap<number, ShardConfig> = new Map();

  /** One ConfigMap's config; undefined when it is not a shard ConfigMap or does not parse. */
  config(cm: V1ConfigMap): ShardConfig | undefined {
    const name = cm.metadata?.name ?? '';
    const rv = cm.metadata?.resourceVersion ?? '';
    const hit = this.#parsed.get(name);
    if (hit && hit.rv === rv) return hit.config;
    const shard = shardOf(cm);
    const config = shard === undefined ? undefined : readShardConfigs([cm]).get(shard);
    this.#parsed.set(name, { rv, config });
    return config;
  }

  configs(configMaps: readonly V1ConfigMap[]): ReadonlyMap<number, ShardConfig> {
    const signature = configMaps
      .map((cm) => `${cm.metadata?.name}@${cm.metadata?.resourceVersion}`)
      .sort()
      .join(',');
    if (signature === this.#signature) return this.#configs;
    const configs = new Map<number, ShardConfig>();
    const names = new Set<string>();
    for (const cm of configMaps) {
      names.add(cm.metadata?.name ?? '');
      const config = this.config(cm);
      if (config) configs.set(config.shard, config);
    }
    for (const name of this.#parsed.keys()) if (!names.has(name)) this.#parsed.delete(name);
    this.#signature = signature;
    this.#configs = configs;
    return configs;
  }
}
