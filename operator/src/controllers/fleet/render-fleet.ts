// The desired fleet from the declared Strategies and Models: shard placement (the planner),
// one resolved config per shard, and the runner workload. Pure, so "what would the operator
// write" is testable without an API server, and a converged fleet renders byte-identical
// objects (a ConfigMap's generation only moves when its content does).
import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { resolveModel, resolveStrategy, type StrategyObject } from '../../api/shard/resolve.ts';
import {
  type ResolvedModel,
  SHARD_CONFIG_VERSION,
  type ShardConfig,
  type ShardStrategy,
} from '../../api/shard/shard-config.ts';
import type { ModelSpec } from '../../api/v1alpha1/model.ts';
import { admitWithinLimit } from '../../sharding/admit.ts';
import { planShards, type ShardPlan } from '../../sharding/planner.ts';
import { desiredRunners, type RunnerWorkloadOptions } from '../strategy/desired-runners.ts';
import { overflowConfigMap, overflowMessage } from './overflow-configmap.ts';
import { previousPlacement, shardConfigMap } from './shard-configmaps.ts';

/** A Model as the fleet sees it: usable only once the operator verified this generation. */
export interface FleetModel {
  spec: ModelSpec;
  verified: boolean;
}

export interface FleetOptions {
  namespace: string;
  capacity: number;
  maxShards: number;
  workload: Omit<RunnerWorkloadOptions, 'shards' | 'namespace'>;
}

export interface FleetInputs {
  strategies: readonly StrategyObject[];
  models: ReadonlyMap<string, FleetModel>;
  /** The shard configs the operator wrote before (from the ConfigMaps). */
  existing: ReadonlyMap<number, ShardConfig>;
}

export type Unplaced = { name: string; reason: 'ModelNotReady' | 'ShardLimit'; message: string };

export interface DesiredFleet {
  plan: ShardPlan;
  configs: ShardConfig[];
  /**
   * ConfigMaps (the shards', then the overflow one while strategies are left out for lack of
   * room), then the runner Service, StatefulSet and PodDisruptionBudget.
   */
  objects: KubernetesObject[];
  /** Strategies left out of every shard, and why: ModelNotReady ones, then ShardLimit ones. */
  unplaced: Unplaced[];
}

/**
 * The model a strategy runs: its Model once verified; while a new version is unverified (or
 * failed verification) the one the runner already has (last known good); else none.
 */
function usableModel(
  strategy: StrategyObject,
  models: ReadonlyMap<string, FleetModel>,
  previous: ShardStrategy | undefined,
): ResolvedModel | undefined {
  const ref = strategy.spec.modelRef?.name;
  if (!ref) return undefined;
  const model = models.get(ref);
  if (model?.verified) return resolveModel(ref, model.spec);
  return previous?.model?.name === ref ? previous.model : undefined;
}

const withGeneration = (config: ShardConfig, previous: ShardConfig | undefined): ShardConfig => {
  if (!previous) return { ...config, generation: 1 };
  const same = isDeepStrictEqual({ ...config, generation: previous.generation }, previous);
  return { ...config, generation: same ? previous.generation : previous.generation + 1 };
};

export function renderFleet(inputs: FleetInputs, o: FleetOptions): DesiredFleet {
  const previousByName = new Map<string, ShardStrategy>();
  for (const config of inputs.existing.values())
    for (const s of config.strategies) previousByName.set(s.name, s);

  const resolved = new Map<string, ShardStrategy>();
  const unplaced: Unplaced[] = [];
  for (const strategy of [...inputs.strategies].sort((a, b) => a.name.localeCompare(b.name))) {
    const model = usableModel(strategy, inputs.models, previousByName.get(strategy.name));
    if (strategy.spec.modelRef && !model && !strategy.spec.rules) {
      unplaced.push({
        name: strategy.name,
        reason: 'ModelNotReady',
        message: `Model ${strategy.spec.modelRef.name} is not verified yet and the strategy has no rules to run on`,
      });
      continue;
    }
    resolved.set(strategy.name, resolveStrategy(strategy, model));
  }

  // More strategies than the runners hold: the placed ones stay, the rest wait for room.
  const previous = previousPlacement(inputs.existing);
  const { admitted, overflow } = admitWithinLimit(
    [...resolved.keys()],
    previous,
    o.capacity,
    o.maxShards,
  );
  const leftOut = { strategies: overflow, capacity: o.capacity, maxShards: o.maxShards };
  const message = overflowMessage(leftOut);
  for (const name of overflow) unplaced.push({ name, reason: 'ShardLimit', message });
  const plan = planShards(
    admitted.map((name) => {
      const s = resolved.get(name) as ShardStrategy;
      return { name, instruments: s.instruments };
    }),
    previous,
    { capacity: o.capacity, maxShards: o.maxShards },
  );

  const byShard: ShardStrategy[][] = Array.from({ length: plan.shards }, () => []);
  for (const [name, shard] of Object.entries(plan.assignments))
    byShard[shard]?.push(resolved.get(name) as ShardStrategy);
  const configs = byShard.map((strategies, shard) =>
    withGeneration(
      {
        version: SHARD_CONFIG_VERSION,
        shard,
        generation: 0,
        strategies: strategies.sort((a, b) => a.name.localeCompare(b.name)),
      },
      inputs.existing.get(shard),
    ),
  );

  return {
    plan,
    configs,
    objects: [
      ...configs.map((c) => shardConfigMap(o.namespace, c)),
      ...(overflow.length > 0 ? [overflowConfigMap(o.namespace, leftOut)] : []),
      ...(desiredRunners({
        ...o.workload,
        shards: plan.shards,
        namespace: o.namespace,
      }) as KubernetesObject[]),
    ],
    unplaced,
  };
}
