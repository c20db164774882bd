// CircuitBreaker: hard limits that override the models, for selected strategies or the fleet.
import Type, { type Static } from 'typebox';
import {
  Conditions,
  Duration,
  Fraction,
  ObservedGeneration,
  StringEnum,
  StringMap,
  withRules,
} from './common.ts';

export const BREAKER_ACTIONS = ['halt', 'reduceOnly', 'rulesOnly'] as const;
export const RESET_MODES = ['manual', 'nextSession', 'cooldown'] as const;
export const BREAKER_STATES = ['Armed', 'Tripped'] as const;
export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export const LabelSelectorRequirement = withRules(
  Type.Object(
    {
      key: Type.String({ description: 'Label key.', minLength: 1, maxLength: 317 }),
      operator: StringEnum(SELECTOR_OPERATORS, {
        description: 'In, NotIn, Exists or DoesNotExist.',
      }),
      values: Type.Optional(
        Type.Array(Type.String({ description: 'Label value.', maxLength: 63 }), {
          description: 'Values for In and NotIn.',
          maxItems: 64,
          'x-kubernetes-list-type': 'atomic',
        }),
      ),
    },
    { description: 'A label selector requirement, as in Kubernetes.', additionalProperties: false },
  ),
  [
    {
      rule: "(self.operator in ['In', 'NotIn']) == (has(self.values) && size(self.values) > 0)",
      message: 'values must be non-empty for In and NotIn, and absent for Exists and DoesNotExist',
      fieldPath: '.values',
    },
  ],
);

export const LabelSelector = Type.Object(
  {
    matchLabels: Type.Optional(
      StringMap({ description: 'Labels a Strategy must carry, all of them.', maxProperties: 32 }),
    ),
    matchExpressions: Type.Optional(
      Type.Array(LabelSelectorRequirement, {
        description: 'Requirements a Strategy must meet, all of them.',
        maxItems: 16,
        'x-kubernetes-list-type': 'atomic',
      }),
    ),
  },
  {
    description: 'Which Strategies the breaker watches, by their labels.',
    additionalProperties: false,
  },
);

export const BreakerLimits = Type.Object(
  {
    maxDailyLoss: Type.Optional(
      Type.Number({
        description:
          'Trip when net P&L since the start of the UTC day falls below minus this amount.',
        exclusiveMinimum: 0,
        maximum: 1e12,
      }),
    ),
    maxDrawdownPct: Type.Optional(
      Fraction(
        'Trip when drawdown from the high-water mark exceeds this fraction of it (0.2 = 20%).',
      ),
    ),
    maxOrdersPerSecond: Type.Optional(
      Type.Integer({
        description: 'Trip when signals per second over the last second exceed this.',
        minimum: 1,
        maximum: 100_000,
      }),
    ),
    slippageAnomalyBps: Type.Optional(
      Type.Number({
        description:
          'Trip when mean slippage over the last 20 fills exceeds this many basis points.',
        exclusiveMinimum: 0,
        maximum: 10_000,
      }),
    ),
    minConfidence: Type.Optional(
      Fraction('Block a signal whose model confidence (|score - 0.5| x 2) is below this.', {
        allowZero: true,
      }),
    ),
  },
  {
    description: 'Limits checked before every signal; at least one is required.',
    minProperties: 1,
    additionalProperties: false,
  },
);

export const ResetPolicy = withRules(
  Type.Object(
    {
      mode: StringEnum(RESET_MODES, {
        description:
          'manual: stays tripped until the status is reset; nextSession: re-arms at 00:00 UTC; cooldown: re-arms after cooldown.',
        default: 'manual',
      }),
      cooldown: Type.Optional(
        Duration({ description: 'How long to stay tripped in cooldown mode.' }),
      ),
    },
    { description: 'How a tripped breaker re-arms.', default: {}, additionalProperties: false },
  ),
  [
    {
      rule: "(self.mode == 'cooldown') == has(self.cooldown)",
      message: 'cooldown is required in cooldown mode and not allowed otherwise',
      fieldPath: '.cooldown',
    },
    {
      rule: "!has(self.cooldown) || (duration(self.cooldown) >= duration('1s') && duration(self.cooldown) <= duration('168h'))",
      message: 'must be between 1s and 168h',
      fieldPath: '.cooldown',
    },
  ],
);

export const CircuitBreakerSpec = withRules(
  Type.Object(
    {
      selector: Type.Optional(LabelSelector),
      fleetWide: Type.Optional(
        Type.Boolean({ description: 'true: the breaker watches every Strategy in the namespace.' }),
      ),
      limits: BreakerLimits,
      action: StringEnum(BREAKER_ACTIONS, {
        description:
          'halt: no new signals; reduceOnly: only signals that shrink positions; rulesOnly: ignore models, score with rules.',
      }),
      resetPolicy: ResetPolicy,
    },
    { description: 'Desired state of a CircuitBreaker.', additionalProperties: false },
  ),
  [
    {
      rule: 'has(self.selector) != (has(self.fleetWide) && self.fleetWide)',
      message: 'set exactly one of selector or fleetWide: true',
      fieldPath: '.selector',
    },
    {
      rule: "!has(self.limits.minConfidence) || self.action != 'rulesOnly'",
      message:
        'minConfidence cannot be combined with action rulesOnly (rule scores carry no model confidence)',
      fieldPath: '.limits.minConfidence',
    },
  ],
);

export const LastTrip = Type.Object(
  {
    strategy: Type.String({ description: 'Strategy that tripped it.', maxLength: 253 }),
    limit: Type.String({ description: 'Which limit, e.g. maxDailyLoss.', maxLength: 64 }),
    value: Type.Number({ description: 'Observed value.' }),
    threshold: Type.Number({ description: 'Configured limit.' }),
    time: Type.String({ description: 'When.', format: 'date-time' }),
  },
  { description: 'The last trip.', additionalProperties: false },
);

export const CircuitBreakerStatus = Type.Object(
  {
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions()),
    state: Type.Optional(StringEnum(BREAKER_STATES, { description: 'Armed or Tripped.' })),
    since: Type.Optional(
      Type.String({ description: 'When the state last changed.', format: 'date-time' }),
    ),
    reason: Type.Optional(Type.String({ description: 'Why it is in its state.', maxLength: 1024 })),
    tripCount: Type.Optional(
      Type.Integer({ description: 'Trips since creation.', minimum: 0, format: 'int64' }),
    ),
    matchedStrategies: Type.Optional(
      Type.Integer({ description: 'Strategies the selector matches.', minimum: 0 }),
    ),
    lastTrip: Type.Optional(LastTrip),
  },
  {
    description: 'Observed state of a CircuitBreaker, written by the operator only.',
    additionalProperties: false,
  },
);

export type CircuitBreakerSpec = Static<typeof CircuitBreakerSpec>;
export type CircuitBreakerStatus = Static<typeof CircuitBreakerStatus>;

export const CircuitBreakerReason = {
  Armed: 'Armed',
  LimitExceeded: 'LimitExceeded',
  ManualReset: 'ManualReset',
  CooldownElapsed: 'CooldownElapsed',
  SessionStarted: 'SessionStarted',
} as const;

export const circuitBreakerKind = {
  kind: 'CircuitBreaker',
  plural: 'circuitbreakers',
  singular: 'circuitbreaker',
  shortNames: ['cb'],
  description:
    'Hard limits checked before every signal; a tripped breaker halts, reduces or demotes strategies to rules.',
  spec: CircuitBreakerSpec,
  status: CircuitBreakerStatus,
  printerColumns: [
    { name: 'Action', type: 'string', jsonPath: '.spec.action', description: 'What a trip does.' },
    { name: 'State', type: 'string', jsonPath: '.status.state', description: 'Armed or Tripped.' },
    {
      name: 'Trips',
      type: 'integer',
      jsonPath: '.status.tripCount',
      description: 'Trips since creation.',
    },
    {
      name: 'Matched',
      type: 'integer',
      jsonPath: '.status.matchedStrategies',
      description: 'Strategies watched.',
    },
    {
      name: 'Reason',
      type: 'string',
      jsonPath: '.status.reason',
      description: 'Why.',
      priority: 1,
    },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
} as const;
