// The shard config contract: what the operator writes into the ConfigMap `flotilla-shard-<N>`
// and what a runner executes. Everything is resolved (defaults applied, model digests and URIs
// looked up) so the runner needs no other object. Both programs import this one module.
import Type, { type Static } from 'typebox';
import { BREAKER_ACTIONS, BreakerLimits } from '../v1alpha1/circuit-breaker.ts';
import { ObjectName, Sha256, StringEnum } from '../v1alpha1/common.ts';
import { EXPERIMENT_MODES } from '../v1alpha1/experiment.ts';
import { ModelOutputs, ModelSpec } from '../v1alpha1/model.ts';
import {
  DIRECTIONS,
  FeatureSpec,
  PRIORITIES,
  RulesSpec,
  SizingSpec,
  StrategySpec,
} from '../v1alpha1/strategy.ts';

export const SHARD_CONFIG_VERSION = 1;
/** ConfigMap data key holding the JSON document. */
export const SHARD_CONFIG_KEY = 'shard.json';
export const shardConfigMapName = (shard: number) => `flotilla-shard-${shard}`;

const Instruments = StrategySpec.properties.instruments;

export const ResolvedModel = Type.Object(
  {
    name: ObjectName('Name of the Model object.'),
    uri: ModelSpec.properties.uri,
    sha256: Sha256('Digest of the artifact; the runner verifies it before use.'),
    inputs: ModelSpec.properties.inputs,
    outputs: ModelOutputs,
    featureSetVersion: Type.Optional(ModelSpec.properties.featureSetVersion),
  },
  { description: 'A Model as the runner needs it.', additionalProperties: false },
);

export const ResolvedDecision = Type.Object(
  {
    threshold: Type.Number({ minimum: 0.5, maximum: 1 }),
    blendWeight: Type.Number({
      description: 'Share of the model score (already resolved from the Strategy default).',
      minimum: 0,
      maximum: 1,
    }),
    direction: StringEnum(DIRECTIONS, { description: 'Sides the strategy may trade.' }),
    sizing: SizingSpec,
  },
  { additionalProperties: false },
);

/** Room for the experiment issue: how this strategy's traffic is split between two models. */
export const ResolvedExperiment = Type.Object(
  {
    name: ObjectName('Name of the Experiment object.'),
    mode: StringEnum(EXPERIMENT_MODES, { description: 'shadow or canary.' }),
    trafficPercent: Type.Number({ minimum: 0, maximum: 100 }),
    challenger: ResolvedModel,
  },
  { additionalProperties: false },
);

/** Room for the breaker issue: the limits that apply to this strategy. */
export const ResolvedBreaker = Type.Object(
  {
    name: ObjectName('Name of the CircuitBreaker object.'),
    action: StringEnum(BREAKER_ACTIONS, { description: 'What a trip does.' }),
    limits: BreakerLimits,
  },
  { additionalProperties: false },
);

export const ShardStrategy = Type.Object(
  {
    name: ObjectName('Name of the Strategy object.'),
    generation: Type.Integer({
      description: 'metadata.generation it was resolved from.',
      minimum: 0,
    }),
    instruments: Instruments,
    features: Type.Array(FeatureSpec, { minItems: 1, maxItems: 32 }),
    rules: Type.Optional(RulesSpec),
    decision: ResolvedDecision,
    warmupTicks: Type.Integer({ minimum: 0, maximum: 100_000 }),
    priority: StringEnum(PRIORITIES, { description: 'Shedding priority.' }),
    budgetMsPerSecond: Type.Number({
      description: 'CPU ms per second of wall time before the strategy is shed under overload.',
      exclusiveMinimum: 0,
      maximum: 1_000,
    }),
    paused: Type.Boolean(),
    model: Type.Optional(ResolvedModel),
    experiment: Type.Optional(ResolvedExperiment),
    breakers: Type.Optional(Type.Array(ResolvedBreaker, { maxItems: 64 })),
  },
  { additionalProperties: false },
);

export const ShardConfig = Type.Object(
  {
    version: Type.Literal(SHARD_CONFIG_VERSION),
    shard: Type.Integer({ minimum: 0, maximum: 999 }),
    generation: Type.Integer({
      description: 'Increases whenever the operator changes this document.',
      minimum: 0,
    }),
    strategies: Type.Array(ShardStrategy, { maxItems: 1_000 }),
  },
  { additionalProperties: false },
);

export type ResolvedModel = Static<typeof ResolvedModel>;
export type ShardStrategy = Static<typeof ShardStrategy>;
export type ShardConfig = Static<typeof ShardConfig>;
