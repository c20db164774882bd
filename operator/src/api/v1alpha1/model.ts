// Model: a versioned, checksummed ONNX artifact that scores strategies.
import Type, { type Static } from 'typebox';
import { Conditions, ObservedGeneration, Sha256, StringEnum } from './common.ts';
import { FEATURE_KEY_PATTERN } from './feature-catalog.ts';

export const MODEL_FORMATS = ['onnx'] as const;
export const OUTPUT_KINDS = ['probability', 'score'] as const;
export const ALGORITHMS = ['logisticRegression', 'gradientBoostedTrees', 'mlp', 'other'] as const;

export const ModelOutputs = Type.Object(
  {
    name: Type.String({
      description: 'Name of the output tensor holding the score.',
      default: 'probabilities',
      minLength: 1,
      maxLength: 128,
      pattern: '^[A-Za-z_][A-Za-z0-9_.:/-]*$',
      patternHint: 'an ONNX tensor name',
    }),
    column: Type.Integer({
      description:
        'Column of that tensor to read (1 = probability of the positive class for a binary classifier).',
      default: 1,
      minimum: 0,
      maximum: 1023,
    }),
    kind: StringEnum(OUTPUT_KINDS, {
      description: 'probability: already in [0, 1]; score: unbounded, passed through a logistic.',
      default: 'probability',
    }),
  },
  {
    description: 'Where the score is in the model output.',
    default: {},
    additionalProperties: false,
  },
);

const Timestamp = (description: string) =>
  Type.Optional(Type.String({ description, format: 'date-time', maxLength: 64 }));

export const ModelMetrics = Type.Object(
  {
    auc: Type.Optional(
      Type.Number({ description: 'ROC AUC on the validation set.', minimum: 0, maximum: 1 }),
    ),
    brier: Type.Optional(
      Type.Number({
        description: 'Brier score on the validation set (lower is better).',
        minimum: 0,
        maximum: 1,
      }),
    ),
    logLoss: Type.Optional(
      Type.Number({ description: 'Log loss on the validation set.', minimum: 0 }),
    ),
  },
  { description: 'Validation metrics reported by the trainer.', additionalProperties: false },
);

export const ModelProvenance = Type.Object(
  {
    algorithm: Type.Optional(StringEnum(ALGORITHMS, { description: 'Model family, as trained.' })),
    trainer: Type.Optional(
      Type.String({ description: 'Trainer name and version.', maxLength: 128 }),
    ),
    trainedAt: Timestamp('When the model was trained (RFC 3339).'),
    dataFrom: Timestamp('First tick time in the training data (RFC 3339).'),
    dataTo: Timestamp('Last tick time in the training data (RFC 3339).'),
    datasetSha256: Type.Optional(Sha256('sha256 of the training dataset file.')),
    rows: Type.Optional(
      Type.Integer({ description: 'Training rows.', minimum: 0, format: 'int64' }),
    ),
    metrics: Type.Optional(ModelMetrics),
  },
  { description: 'How the model was made, for audit.', additionalProperties: false },
);

export const ModelSpec = Type.Object(
  {
    uri: Type.String({
      description: 'Where the artifact is: https://, http:// or file:// (absolute path).',
      minLength: 8,
      maxLength: 2048,
      pattern: '^(https?://[^\\s/]+/\\S*|file:///\\S+)$',
      patternHint: 'an https://, http:// or file:/// URI',
    }),
    sha256: Sha256('sha256 of the artifact; checked before any use.'),
    format: StringEnum(MODEL_FORMATS, { description: 'Artifact format.', default: 'onnx' }),
    inputs: Type.Array(
      Type.String({
        description: 'Feature key, e.g. `ema_20`.',
        maxLength: 64,
        pattern: FEATURE_KEY_PATTERN,
        patternHint: 'a feature key such as "ema_20" or "macd_12_26_9" naming a known feature',
      }),
      {
        description:
          'Feature keys in the order of the model input columns (one float32 input of this width).',
        minItems: 1,
        maxItems: 256,
        'x-kubernetes-list-type': 'set',
      },
    ),
    outputs: ModelOutputs,
    featureSetVersion: Type.Optional(
      Type.String({
        description:
          'Feature-set hash of the runtime that produced the training data; a strategy whose features hash differently is not scored by it.',
        pattern: '^[a-f0-9]{16}$',
        patternHint: '16 lowercase hex characters',
      }),
    ),
    version: Type.Optional(
      Type.String({
        description: 'Human version label, e.g. 1.4.0.',
        maxLength: 64,
        pattern: '^[0-9A-Za-z][0-9A-Za-z._+-]*$',
        patternHint: 'letters, digits, ".", "_", "+" or "-"',
      }),
    ),
    provenance: Type.Optional(ModelProvenance),
  },
  { description: 'Desired state of a Model.', additionalProperties: false },
);

export const ModelStatus = Type.Object(
  {
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions()),
    digest: Type.Optional(
      Type.String({ description: 'sha256 the operator verified.', maxLength: 64 }),
    ),
    sizeBytes: Type.Optional(
      Type.Integer({ description: 'Artifact size.', minimum: 0, format: 'int64' }),
    ),
    verifiedTime: Type.Optional(
      Type.String({ description: 'When the artifact was last verified.', format: 'date-time' }),
    ),
  },
  {
    description: 'Observed state of a Model, written by the operator only.',
    additionalProperties: false,
  },
);

export type ModelSpec = Static<typeof ModelSpec>;
export type ModelStatus = Static<typeof ModelStatus>;

export const ModelReason = {
  Verified: 'Verified',
  Fetching: 'Fetching',
  ChecksumMismatch: 'ChecksumMismatch',
  Unreachable: 'Unreachable',
  SignatureMismatch: 'SignatureMismatch',
  InvalidArtifact: 'InvalidArtifact',
} as const;

export const modelKind = {
  kind: 'Model',
  plural: 'models',
  singular: 'model',
  shortNames: ['mdl'],
  description: 'A checksummed ONNX model artifact and the ordered feature keys it takes.',
  spec: ModelSpec,
  status: ModelStatus,
  printerColumns: [
    { name: 'Version', type: 'string', jsonPath: '.spec.version', description: 'Version label.' },
    {
      name: 'Algorithm',
      type: 'string',
      jsonPath: '.spec.provenance.algorithm',
      description: 'Model family.',
    },
    {
      name: 'Ready',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Ready")].status',
      description: 'Verified and usable.',
    },
    {
      name: 'Reason',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
      description: 'Why (not) ready.',
    },
    {
      name: 'Size',
      type: 'integer',
      jsonPath: '.status.sizeBytes',
      description: 'Artifact bytes.',
      priority: 1,
    },
    {
      name: 'Digest',
      type: 'string',
      jsonPath: '.status.digest',
      description: 'Verified sha256.',
      priority: 1,
    },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
} as const;
