// The fleet controller: one key per namespace. Any Strategy, Model or owned child change
// re-renders the whole fleet (placement is global), then applies only what differs from the
// informer caches, so a converged fleet costs no API writes.
import type { KubernetesObject, V1ConfigMap, V1ObjectMeta } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ModelSpec, ModelStatus } from '../../api/v1alpha1/model.ts';
import type { StrategySpec } from '../../api/v1alpha1/strategy.ts';
import type { OperatorConfig } from '../../config.ts';
import { applyIfChanged, deleteIfExists } from '../../kube/apply.ts';
import type { KubeClient } from '../../kube/client.ts';
import { Controller } from '../../kube/controller.ts';
import type { EventRecorder } from '../../kube/events.ts';
import type { Informer } from '../../kube/informer.ts';
import type { ControllerMetrics } from '../../kube/metrics.ts';
import { keyOf, type ObjectKey } from '../../kube/object-key.ts';
import { CORE, knownResourceType, type ResourceType } from '../../kube/resource-type.ts';
import { alreadyVerified } from '../model/model-status.ts';
import type { FleetMetrics } from './fleet-metrics.ts';
import { isOverflowConfigMap } from './overflow-configmap.ts';
import { type FleetModel, renderFleet } from './render-fleet.ts';
import { previousPlacement, ShardConfigCache, shardOf } from './shard-configmaps.ts';

export interface StrategyResource extends KubernetesObject {
  metadata: V1ObjectMeta;
  spec: StrategySpec;
  status?: import('../../api/v1alpha1/strategy.ts').StrategyStatus;
}

export interface ModelResource extends KubernetesObject {
  metadata: V1ObjectMeta;
  spec: ModelSpec;
  status?: ModelStatus;
}

export interface FleetInformers {
  strategies: Informer<StrategyResource>;
  models: Informer<ModelResource>;
  configMaps: Informer<V1ConfigMap>;
  statefulSets: Informer<KubernetesObject>;
  services: Informer<KubernetesObject>;
  podDisruptionBudgets: Informer<KubernetesObject>;
}

export interface FleetControllerDeps {
  kc: KubeClient;
  config: OperatorConfig;
  informers: FleetInformers;
  events: EventRecorder;
  logger: Logger;
  metrics?: ControllerMetrics;
  fleetMetrics?: FleetMetrics;
}

export const FLEET_KEY = 'fleet';

export function fleetController(d: FleetControllerDeps): Controller {
  const { config, informers: inf } = d;
  const ns = config.namespace;
  const shardConfigs = new ShardConfigCache();
  const fleetKey = (): ObjectKey[] => [{ namespace: ns, name: FLEET_KEY }];
  // Status writes (thousands while a fleet converges) must not re-render the fleet: only a
  // new generation (a spec change), an addition or a deletion does (controller-runtime's
  // GenerationChangedPredicate).
  const seenGeneration = new Map<string, number>();
  const onSpecChange = (s: StrategyResource): ObjectKey[] => {
    const name = s.metadata.name as string;
    const live = inf.strategies.get({ namespace: ns, name });
    if (!live) {
      seenGeneration.delete(name);
      return fleetKey();
    }
    const generation = live.metadata.generation ?? 0;
    if (seenGeneration.get(name) === generation && !live.metadata.deletionTimestamp) return [];
    seenGeneration.set(name, generation);
    return fleetKey();
  };
  const liveInformers = new Map<ResourceType, Informer<KubernetesObject>>([
    [CORE.configMap, inf.configMaps],
    [CORE.statefulSet, inf.statefulSets],
    [CORE.service, inf.services],
    [CORE.podDisruptionBudget, inf.podDisruptionBudgets],
  ]);
  const liveOf = (type: ResourceType, name: string) =>
    liveInformers.get(type)?.get({ namespace: ns, name });

  async function reconcile() {
    const strategies = inf.strategies
      .list(ns)
      .filter((s) => !s.metadata.deletionTimestamp)
      .map((s) => ({
        name: s.metadata.name as string,
        generation: s.metadata.generation ?? 0,
        spec: s.spec,
      }));
    const models = new Map<string, FleetModel>();
    for (const m of inf.models.list(ns))
      models.set(m.metadata.name as string, {
        spec: m.spec,
        verified: alreadyVerified(m.metadata.generation ?? 0, m.spec, m.status),
      });
    const configMaps = inf.configMaps.list(ns);
    const existing = shardConfigs.configs(configMaps);
    const before = previousPlacement(existing);
    const fleet = renderFleet(
      { strategies, models, existing },
      {
        namespace: ns,
        capacity: config.shardCapacity,
        maxShards: config.maxShards,
        workload: {
          redisUrl: config.redisUrl,
          ...(config.clickhouseUrl ? { clickhouseUrl: config.clickhouseUrl } : {}),
          image: config.runnerImage,
          serviceAccountName: config.runnerServiceAccount,
          resources: config.runnerResources,
          args: [...config.runnerArgs],
          ...(config.runnerModelsHostPath ? { modelsHostPath: config.runnerModelsHostPath } : {}),
        },
      },
    );

    d.fleetMetrics?.observe(fleet);

    // ConfigMaps first (a new runner finds its shard), then the workload, then surplus
    // ConfigMaps (after the StatefulSet shrank; the overflow one once every strategy fits).
    // Writes within a step go out together.
    const apply = async (objects: KubernetesObject[]) => {
      const outcomes = await Promise.all(
        objects.map((desired) => {
          const type = knownResourceType(desired.apiVersion as string, desired.kind as string);
          if (!type) throw new Error(`no resource type for ${desired.apiVersion} ${desired.kind}`);
          return applyIfChanged(d.kc, desired, liveOf(type, keyOf(desired).name), type);
        }),
      );
      return outcomes.filter((o) => o.written).length;
    };
    let writes = await apply(fleet.objects.filter((o) => o.kind === 'ConfigMap'));
    writes += await apply(fleet.objects.filter((o) => o.kind !== 'ConfigMap'));
    const overflowing = fleet.unplaced.some((u) => u.reason === 'ShardLimit');
    const surplus = configMaps.filter(
      (cm) => (shardOf(cm) ?? -1) >= fleet.plan.shards || (!overflowing && isOverflowConfigMap(cm)),
    );
    await Promise.all(surplus.map((cm) => deleteIfExists(d.kc, CORE.configMap, keyOf(cm))));
    writes += surplus.length;

    // A move restarts the strategy on another runner: worth an Event. A first placement shows
    // in status.shard (an Event each would double the writes of a new fleet).
    for (const name of fleet.plan.moved) {
      const s = inf.strategies.get({ namespace: ns, name });
      const shard = fleet.plan.assignments[name];
      if (s && shard !== undefined)
        d.events.record(s, 'Normal', 'Moved', `moved from shard ${before[name]} to shard ${shard}`);
    }
    if (writes > 0)
      d.logger.info(
        {
          shards: fleet.plan.shards,
          strategies: strategies.length,
          writes,
          moved: fleet.plan.moved.length,
          leftOut: fleet.unplaced.length,
        },
        'fleet rendered',
      );
    return undefined;
  }

  return new Controller({
    name: 'fleet',
    reconcile,
    workers: 1,
    logger: d.logger,
    metrics: d.metrics,
  })
    .watch(inf.strategies, onSpecChange)
    .watch(inf.models, fleetKey)
    .watch(inf.configMaps, fleetKey)
    .watch(inf.statefulSets, fleetKey)
    .watch(inf.services, fleetKey)
    .watch(inf.podDisruptionBudgets, fleetKey);
}
