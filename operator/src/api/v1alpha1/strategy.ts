// Strategy: one trading strategy the fleet runs on a set of instruments.
import Type, { type Static } from 'typebox';
import {
  Conditions,
  Duration,
  durationBounds,
  LocalObjectReference,
  ObservedGeneration,
  StringEnum,
  withRules,
} from './common.ts';
import {
  FEATURE_DESCRIPTIONS,
  FEATURE_KEY_PATTERN,
  FEATURE_NAMES,
  keyNamesFeatureCel,
  MACD_FEATURES,
  sameFeatureCel,
} from './feature-catalog.ts';

export const PRIORITIES = ['critical', 'normal', 'background'] as const;
export const DIRECTIONS = ['long', 'short', 'both'] as const;
export const SIZING_MODES = ['fixed', 'confidence'] as const;

const Period = (description: string) =>
  Type.Optional(Type.Integer({ description, minimum: 1, maximum: 10_000 }));
const macdList = `[${MACD_FEATURES.map((n) => `'${n}'`).join(', ')}]`;

export const FeatureSpec = withRules(
  Type.Object(
    {
      name: StringEnum(FEATURE_NAMES, {
        description: `Feature to compute: ${FEATURE_NAMES.map((n) => `${n} (${FEATURE_DESCRIPTIONS[n]})`).join('; ')}.`,
      }),
      window: Period('Look-back window in ticks (every feature but the MACD family).'),
      fast: Period('Fast EMA period in ticks (MACD family only).'),
      slow: Period('Slow EMA period in ticks (MACD family only).'),
      signal: Period('Signal EMA period in ticks (MACD family only).'),
    },
    {
      description:
        'A shared feature, computed once per instrument per tick. Its key is `<name>_<window>` or `<name>_<fast>_<slow>_<signal>`.',
      additionalProperties: false,
    },
  ),
  [
    {
      rule: `self.name in ${macdList} || (has(self.window) && !has(self.fast) && !has(self.slow) && !has(self.signal))`,
      message: 'this feature takes window (and not fast, slow or signal)',
      fieldPath: '.window',
      reason: 'FieldValueRequired',
    },
    {
      rule: `!(self.name in ${macdList}) || (has(self.fast) && has(self.slow) && has(self.signal) && !has(self.window))`,
      message: 'MACD features take fast, slow and signal (and not window)',
      fieldPath: '.fast',
      reason: 'FieldValueRequired',
    },
    {
      rule: '!has(self.fast) || !has(self.slow) || self.fast < self.slow',
      message: 'fast must be shorter than slow',
      fieldPath: '.fast',
    },
  ],
);

export const RuleWeight = Type.Object(
  {
    feature: Type.String({
      description: 'Key of a feature declared in spec.features, e.g. `ema_20`.',
      maxLength: 64,
      pattern: FEATURE_KEY_PATTERN,
      patternHint: 'a feature key such as "ema_20" or "macd_12_26_9" naming a known feature',
    }),
    weight: Type.Number({
      description: 'Weight of the feature in the rule score.',
      minimum: -1000,
      maximum: 1000,
    }),
  },
  { description: 'One term of the rule score.', additionalProperties: false },
);

export const RulesSpec = Type.Object(
  {
    bias: Type.Number({
      description: 'Constant term of the rule score.',
      default: 0,
      minimum: -1000,
      maximum: 1000,
    }),
    weights: Type.Array(RuleWeight, {
      description: 'Rule score = logistic(bias + sum of weight x feature value), in [0, 1].',
      minItems: 1,
      maxItems: 32,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['feature'],
    }),
  },
  {
    description: 'A transparent rule score, used alone or blended with the model score.',
    additionalProperties: false,
  },
);

export const SizingSpec = Type.Object(
  {
    mode: StringEnum(SIZING_MODES, {
      description:
        'fixed: always `units`; confidence: `units` scaled by how far the score clears the threshold.',
      default: 'fixed',
    }),
    units: Type.Number({
      description: 'Order size in instrument units.',
      default: 1,
      exclusiveMinimum: 0,
      maximum: 1e9,
    }),
    maxPositionUnits: Type.Number({
      description: 'Largest absolute position per instrument, in units.',
      default: 10,
      exclusiveMinimum: 0,
      maximum: 1e9,
    }),
  },
  { description: 'How big an order a signal asks for.', default: {}, additionalProperties: false },
);

export const DecisionSpec = withRules(
  Type.Object(
    {
      threshold: Type.Number({
        description:
          'Final score at or above which the strategy signals (and at or below 1 - threshold, the opposite side).',
        default: 0.6,
        minimum: 0.5,
        maximum: 1,
      }),
      blendWeight: Type.Optional(
        Type.Number({
          description:
            'Share of the model score in the final score (the rest is the rule score). Unset: 1 with a model and no rules, 0.5 with both, 0 with rules only.',
          minimum: 0,
          maximum: 1,
        }),
      ),
      direction: StringEnum(DIRECTIONS, {
        description: 'Which sides the strategy may trade.',
        default: 'both',
      }),
      sizing: SizingSpec,
    },
    { description: 'How scores become signals.', default: {}, additionalProperties: false },
  ),
  [
    {
      rule: '!has(self.sizing) || self.sizing.units <= self.sizing.maxPositionUnits',
      message: 'sizing.units must not exceed sizing.maxPositionUnits',
      fieldPath: '.sizing.units',
    },
  ],
);

export const BudgetSpec = withRules(
  Type.Object(
    {
      computePerSecond: Duration({
        description:
          'CPU time the strategy may use per second of wall time before it is shed under overload.',
        default: '50ms',
      }),
    },
    {
      description: 'Compute budget of the strategy in its runner.',
      default: {},
      additionalProperties: false,
    },
  ),
  [durationBounds('self.computePerSecond', '1ms', '1s', '.computePerSecond')],
);

export const StrategySpec = withRules(
  Type.Object(
    {
      instruments: Type.Array(
        Type.String({
          description:
            'Instrument symbol, e.g. BTC-USD; ticks come from the Redis stream ticks:<symbol>.',
          minLength: 1,
          maxLength: 32,
          pattern: '^[A-Z0-9][A-Z0-9._-]*$',
          patternHint: 'upper-case letters, digits, ".", "_" or "-"',
        }),
        {
          description: 'Instruments the strategy trades; each is scored independently.',
          minItems: 1,
          maxItems: 64,
          'x-kubernetes-list-type': 'set',
        },
      ),
      features: Type.Array(FeatureSpec, {
        description:
          'Features the strategy reads, shared with every other strategy on the same instrument.',
        minItems: 1,
        maxItems: 32,
      }),
      modelRef: Type.Optional(LocalObjectReference('Model that scores this strategy')),
      rules: Type.Optional(RulesSpec),
      decision: DecisionSpec,
      warmupTicks: Type.Integer({
        description:
          'Ticks to wait per instrument before scoring. 0 waits for the longest feature window.',
        default: 0,
        minimum: 0,
        maximum: 100_000,
      }),
      priority: StringEnum(PRIORITIES, {
        description: 'Under overload, background strategies are shed first and critical ones last.',
        default: 'normal',
      }),
      budget: BudgetSpec,
      paused: Type.Boolean({
        description: 'When true the strategy keeps its state but emits no signals.',
        default: false,
      }),
    },
    { description: 'Desired state of a Strategy.', additionalProperties: false },
  ),
  [
    {
      rule: 'has(self.modelRef) || has(self.rules)',
      message: 'a strategy needs modelRef, rules, or both (something has to produce a score)',
      fieldPath: '.rules',
      reason: 'FieldValueRequired',
    },
    {
      rule: '!has(self.decision.blendWeight) || self.decision.blendWeight == 0.0 || has(self.modelRef)',
      message: 'blendWeight above 0 needs modelRef (there is no model score to blend)',
      fieldPath: '.decision.blendWeight',
    },
    {
      rule: '!has(self.decision.blendWeight) || self.decision.blendWeight == 1.0 || has(self.rules)',
      message: 'blendWeight below 1 needs rules (there is no rule score to blend)',
      fieldPath: '.decision.blendWeight',
    },
    {
      rule: `self.features.all(f, self.features.exists_one(g, ${sameFeatureCel('g', 'f')}))`,
      message: 'the same feature is declared twice',
      fieldPath: '.features',
      reason: 'FieldValueDuplicate',
    },
    {
      rule: `!has(self.rules) || self.rules.weights.all(w, self.features.exists(f, ${keyNamesFeatureCel('w.feature', 'f')}))`,
      message: 'every rules weight must name a feature declared in spec.features',
      fieldPath: '.rules.weights',
    },
  ],
);

export const StrategyCounters = Type.Object(
  {
    ticks: Type.Optional(
      Type.Integer({ description: 'Ticks scored.', minimum: 0, format: 'int64' }),
    ),
    decisions: Type.Optional(
      Type.Integer({
        description: 'Decision records written.',
        minimum: 0,
        format: 'int64',
      }),
    ),
    signals: Type.Optional(
      Type.Integer({ description: 'Signals emitted.', minimum: 0, format: 'int64' }),
    ),
    errors: Type.Optional(
      Type.Integer({
        description: 'Scoring failures (the strategy was isolated).',
        minimum: 0,
        format: 'int64',
      }),
    ),
    dropped: Type.Optional(
      Type.Integer({
        description: 'Ticks shed under overload.',
        minimum: 0,
        format: 'int64',
      }),
    ),
  },
  {
    description: 'Counters reported by the runner since the strategy was placed on it.',
    additionalProperties: false,
  },
);

export const StrategyStatus = Type.Object(
  {
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions()),
    shard: Type.Optional(
      Type.Integer({ description: 'Runner shard the strategy is placed on.', minimum: 0 }),
    ),
    modelDigest: Type.Optional(
      Type.String({ description: 'sha256 of the model the runner scores with.', maxLength: 64 }),
    ),
    configGeneration: Type.Optional(
      Type.Integer({
        description: 'Shard config generation the runner reports it runs.',
        minimum: 0,
        format: 'int64',
      }),
    ),
    counters: Type.Optional(StrategyCounters),
  },
  {
    description: 'Observed state of a Strategy, written by the operator only.',
    additionalProperties: false,
  },
);

export type StrategySpec = Static<typeof StrategySpec>;
export type StrategyStatus = Static<typeof StrategyStatus>;
export type FeatureSpec = Static<typeof FeatureSpec>;

export const StrategyReason = {
  Running: 'Running',
  WaitingForRunner: 'WaitingForRunner',
  ModelNotReady: 'ModelNotReady',
  Paused: 'Paused',
  Quarantined: 'Quarantined',
  Halted: 'Halted',
} as const;

export const strategyKind = {
  kind: 'Strategy',
  plural: 'strategies',
  singular: 'strategy',
  shortNames: ['strat'],
  description:
    'A trading strategy: instruments, shared features, a rule score and/or a model, and how scores become signals.',
  spec: StrategySpec,
  status: StrategyStatus,
  printerColumns: [
    {
      name: 'Instruments',
      type: 'string',
      jsonPath: '.spec.instruments',
      description: 'Instruments traded.',
    },
    {
      name: 'Model',
      type: 'string',
      jsonPath: '.spec.modelRef.name',
      description: 'Model that scores it.',
    },
    {
      name: 'Priority',
      type: 'string',
      jsonPath: '.spec.priority',
      description: 'Shedding priority.',
    },
    { name: 'Shard', type: 'integer', jsonPath: '.status.shard', description: 'Runner shard.' },
    {
      name: 'Ready',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Ready")].status',
      description: 'Running this generation.',
    },
    {
      name: 'Signals',
      type: 'integer',
      jsonPath: '.status.counters.signals',
      description: 'Signals emitted.',
      priority: 1,
    },
    {
      name: 'Paused',
      type: 'boolean',
      jsonPath: '.spec.paused',
      description: 'Paused by the user.',
      priority: 1,
    },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
} as const;
