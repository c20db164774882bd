// Resolves a Strategy (and its Model) into the runner's form. Pure; the operator's shard
// rendering and the tests use it.
import { durationMs } from '../duration.ts';
import type { ModelSpec } from '../v1alpha1/model.ts';
import type { StrategySpec } from '../v1alpha1/strategy.ts';
import {
  type ResolvedModel,
  SHARD_CONFIG_VERSION,
  type ShardConfig,
  type ShardStrategy,
} from './shard-config.ts';

/** blendWeight unset: 1 with a model and no rules, 0.5 with both, 0 with rules only. */
export function resolveBlendWeight(spec: StrategySpec): number {
  if (spec.decision.blendWeight !== undefined) return spec.decision.blendWeight;
  if (!spec.modelRef) return 0;
  return spec.rules ? 0.5 : 1;
}

export function resolveModel(name: string, spec: ModelSpec): ResolvedModel {
  return {
    name,
    uri: spec.uri,
    sha256: spec.sha256,
    inputs: [...spec.inputs],
    outputs: { ...spec.outputs },
    ...(spec.featureSetVersion ? { featureSetVersion: spec.featureSetVersion } : {}),
  };
}

/** `spec` must already carry its defaults (as read from the API server or validateManifest). */
export function resolveStrategy(
  object: { name: string; generation: number; spec: StrategySpec },
  model?: ResolvedModel,
): ShardStrategy {
  const { spec } = object;
  return {
    name: object.name,
    generation: object.generation,
    instruments: [...spec.instruments],
    features: spec.features.map((f) => ({ ...f })),
    ...(spec.rules ? { rules: structuredClone(spec.rules) } : {}),
    decision: {
      threshold: spec.decision.threshold,
      blendWeight: resolveBlendWeight(spec),
      direction: spec.decision.direction,
      sizing: { ...spec.decision.sizing },
    },
    warmupTicks: spec.warmupTicks,
    priority: spec.priority,
    budgetMsPerSecond: durationMs(spec.budget.computePerSecond),
    paused: spec.paused,
    ...(model ? { model } : {}),
  };
}

export interface StrategyObject {
  name: string;
  generation: number;
  spec: StrategySpec;
}

/** One shard's config from its strategies and the Models they name (missing models are left out). */
export function resolveShard(
  shard: number,
  generation: number,
  strategies: StrategyObject[],
  models: ReadonlyMap<string, ModelSpec>,
): ShardConfig {
  return {
    version: SHARD_CONFIG_VERSION,
    shard,
    generation,
    strategies: strategies.map((s) => {
      const ref = s.spec.modelRef?.name;
      const model = ref ? models.get(ref) : undefined;
      return resolveStrategy(s, ref && model ? resolveModel(ref, model) : undefined);
    }),
  };
}
