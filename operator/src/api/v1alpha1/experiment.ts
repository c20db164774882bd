// Experiment: a champion/challenger test of two models on one strategy.
import Type, { type Static } from 'typebox';
import {
  Conditions,
  Duration,
  durationBounds,
  Fraction,
  LocalObjectReference,
  ObservedGeneration,
  StringEnum,
  withRules,
} from './common.ts';

export const EXPERIMENT_MODES = ['shadow', 'canary'] as const;
export const PRIMARY_METRICS = ['riskAdjustedReturn', 'averageNet', 'winRate'] as const;
export const ON_SUCCESS = ['promote', 'notify'] as const;
export const PHASES = ['Pending', 'Running', 'Promoted', 'Aborted', 'Concluded'] as const;
export const WINNERS = ['champion', 'challenger', 'none'] as const;

export const ArmSpec = Type.Object(
  { modelRef: LocalObjectReference('Model this arm scores with') },
  { description: 'One arm of the experiment.', additionalProperties: false },
);

export const StoppingSpec = withRules(
  Type.Object(
    {
      maxDuration: Duration({
        description: 'Conclude after this long whatever the samples say.',
        default: '168h',
      }),
      minSamplesPerArm: Type.Integer({
        description: 'Closed trades each arm needs before any significance test.',
        default: 200,
        minimum: 10,
        maximum: 10_000_000,
      }),
      significance: Type.Number({
        description:
          "p-value below which the difference in the primary metric is significant (Welch's t-test).",
        default: 0.05,
        exclusiveMinimum: 0,
        maximum: 0.5,
      }),
      primaryMetric: StringEnum(PRIMARY_METRICS, {
        description:
          'riskAdjustedReturn: mean R-multiple per trade; averageNet: mean net P&L per closed trade; winRate: share of trades with net P&L > 0.',
        default: 'riskAdjustedReturn',
      }),
    },
    { description: 'When the experiment ends.', default: {}, additionalProperties: false },
  ),
  [durationBounds('self.maxDuration', '1m', '2160h', '.maxDuration')],
);

export const GuardrailsSpec = Type.Object(
  {
    maxDrawdownPct: Type.Optional(
      Fraction(
        "Abort when the challenger's drawdown from its high-water mark exceeds this fraction (0.2 = 20%).",
      ),
    ),
    minWinRate: Type.Optional(
      Fraction(
        "Abort when the challenger's win rate falls below this fraction once it has minSamplesPerArm.",
        {
          allowZero: true,
        },
      ),
    ),
  },
  {
    description: 'Limits that abort the experiment early.',
    default: {},
    additionalProperties: false,
  },
);

export const ExperimentSpec = withRules(
  Type.Object(
    {
      strategyRef: LocalObjectReference('Strategy under test'),
      champion: ArmSpec,
      challenger: ArmSpec,
      mode: StringEnum(EXPERIMENT_MODES, {
        description:
          "shadow: the challenger scores every row but only the champion's score is acted on; canary: trafficPercent of decisions act on the challenger.",
        default: 'shadow',
      }),
      trafficPercent: Type.Optional(
        Type.Integer({
          description:
            'Percent of decisions routed to the challenger (canary mode only), by a hash of the decision id.',
          minimum: 1,
          maximum: 100,
        }),
      ),
      stopping: StoppingSpec,
      guardrails: GuardrailsSpec,
      onSuccess: StringEnum(ON_SUCCESS, {
        description:
          'promote: make the winning challenger the strategy model; notify: only report.',
        default: 'notify',
      }),
      dryRun: Type.Boolean({
        description: 'Compute the outcome but change nothing.',
        default: false,
      }),
    },
    { description: 'Desired state of an Experiment.', additionalProperties: false },
  ),
  [
    {
      rule: 'self.champion.modelRef.name != self.challenger.modelRef.name',
      message: 'challenger must be a different model from champion',
      fieldPath: '.challenger.modelRef.name',
    },
    {
      rule: "self.mode == 'canary' || !has(self.trafficPercent)",
      message: 'trafficPercent is only allowed when mode is canary',
      fieldPath: '.trafficPercent',
      reason: 'FieldValueForbidden',
    },
    {
      rule: "self.mode != 'canary' || has(self.trafficPercent)",
      message: 'canary mode needs trafficPercent',
      fieldPath: '.trafficPercent',
      reason: 'FieldValueRequired',
    },
  ],
);

export const ArmStatus = Type.Object(
  {
    samples: Type.Integer({
      description: 'Closed trades attributed to the arm.',
      minimum: 0,
      format: 'int64',
    }),
    netPnl: Type.Number({ description: 'Sum of net P&L over those trades.' }),
    averageNet: Type.Number({ description: 'Mean net P&L per closed trade.' }),
    winRate: Type.Number({
      description: 'Share of trades with net P&L > 0.',
      minimum: 0,
      maximum: 1,
    }),
    riskAdjustedReturn: Type.Number({ description: 'Mean R-multiple per trade.' }),
    maxDrawdown: Type.Number({
      description: 'Largest fall from the high-water mark, in currency.',
      minimum: 0,
    }),
  },
  { description: 'Metrics of one arm.', additionalProperties: false },
);

export const ExperimentStatus = Type.Object(
  {
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions()),
    phase: Type.Optional(
      StringEnum(PHASES, { description: 'Pending, Running, Promoted, Aborted or Concluded.' }),
    ),
    startTime: Type.Optional(
      Type.String({ description: 'When the experiment started running.', format: 'date-time' }),
    ),
    endTime: Type.Optional(Type.String({ description: 'When it ended.', format: 'date-time' })),
    champion: Type.Optional(ArmStatus),
    challenger: Type.Optional(ArmStatus),
    pValue: Type.Optional(
      Type.Number({
        description: 'p-value of the last significance test.',
        minimum: 0,
        maximum: 1,
      }),
    ),
    winner: Type.Optional(StringEnum(WINNERS, { description: 'champion, challenger or none.' })),
    reason: Type.Optional(
      Type.String({ description: 'Why the experiment is in its phase.', maxLength: 1024 }),
    ),
  },
  {
    description: 'Observed state of an Experiment, written by the operator only.',
    additionalProperties: false,
  },
);

export type ExperimentSpec = Static<typeof ExperimentSpec>;
export type ExperimentStatus = Static<typeof ExperimentStatus>;

export const ExperimentReason = {
  WaitingForSamples: 'WaitingForSamples',
  Significant: 'Significant',
  NotSignificant: 'NotSignificant',
  MaxDurationReached: 'MaxDurationReached',
  GuardrailBreached: 'GuardrailBreached',
  ModelNotReady: 'ModelNotReady',
} as const;

export const experimentKind = {
  kind: 'Experiment',
  plural: 'experiments',
  singular: 'experiment',
  shortNames: ['exp'],
  description:
    'A champion/challenger test of two Models on one Strategy, with stopping rules and guardrails.',
  spec: ExperimentSpec,
  status: ExperimentStatus,
  printerColumns: [
    {
      name: 'Strategy',
      type: 'string',
      jsonPath: '.spec.strategyRef.name',
      description: 'Strategy under test.',
    },
    { name: 'Mode', type: 'string', jsonPath: '.spec.mode', description: 'shadow or canary.' },
    {
      name: 'Traffic',
      type: 'integer',
      jsonPath: '.spec.trafficPercent',
      description: 'Challenger percent.',
    },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Lifecycle phase.' },
    {
      name: 'Champion-N',
      type: 'integer',
      jsonPath: '.status.champion.samples',
      description: 'Champion samples.',
    },
    {
      name: 'Challenger-N',
      type: 'integer',
      jsonPath: '.status.challenger.samples',
      description: 'Challenger samples.',
    },
    { name: 'P-Value', type: 'number', jsonPath: '.status.pValue', description: 'Last p-value.' },
    { name: 'Winner', type: 'string', jsonPath: '.status.winner', description: 'Winning arm.' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
} as const;
