// Building blocks shared by the four Kinds: names, references, durations, conditions.
// Every schema here is written once and yields both the CRD's OpenAPI v3 schema and the
// TypeScript type (TypeBox). Keywords Kubernetes does not know are stripped by ../crd.ts.
import Type, { type TSchema, type TUnsafe } from 'typebox';

export const GROUP = 'flotilla.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** A CEL rule in the Kubernetes `x-kubernetes-validations` form. */
export interface CelRule {
  rule: string;
  message: string;
  /** JSONPath-ish path relative to the node the rule sits on, e.g. `.trafficPercent`. */
  fieldPath?: string;
  reason?:
    | 'FieldValueInvalid'
    | 'FieldValueForbidden'
    | 'FieldValueRequired'
    | 'FieldValueDuplicate';
}

/** A string restricted to `values`, typed as their union. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description: string; default?: T[number] },
): TUnsafe<T[number]> {
  // maxLength lets the API server bound the cost of CEL rules that read the value.
  const maxLength = Math.max(...values.map((v) => v.length));
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], maxLength, ...options });
}

/** A map of string to string (labels); `additionalProperties`, never `patternProperties`. */
export function StringMap(options: { description: string; maxProperties?: number }) {
  return Type.Unsafe<Record<string, string>>({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 63, description: 'Label value.' },
    ...options,
  });
}

/** DNS-1123 label: the name rule Kubernetes applies to most objects we reference. */
export const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

export function ObjectName(description: string) {
  return Type.String({
    description,
    minLength: 1,
    maxLength: 63,
    pattern: DNS_LABEL,
    patternHint: 'a DNS-1123 label: lowercase letters, digits and "-"',
  });
}

export function LocalObjectReference(what: string) {
  return Type.Object(
    { name: ObjectName(`Name of the ${what} in the same namespace.`) },
    { description: `Reference to a ${what} in the same namespace.`, additionalProperties: false },
  );
}

/** Go duration syntax as Kubernetes CEL's duration() accepts it: "500ms", "1h30m". */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$';

export function Duration(options: { description: string; default?: string }) {
  return Type.String({
    ...options,
    maxLength: 32,
    pattern: DURATION_PATTERN,
    patternHint: 'a duration such as "500ms", "30s" or "1h30m"',
  });
}

/** Rules on a duration field, for CEL: the bounds of `path` (e.g. `self.maxDuration`). */
export function durationBounds(path: string, min: string, max: string, fieldPath: string): CelRule {
  return {
    rule: `duration(${path}) >= duration('${min}') && duration(${path}) <= duration('${max}')`,
    message: `must be between ${min} and ${max}`,
    fieldPath,
  };
}

export const Sha256 = (description: string) =>
  Type.String({
    description,
    pattern: '^[a-f0-9]{64}$',
    patternHint: 'exactly 64 lowercase hex characters',
  });

/** A fraction in (0, 1]: 0.2 means 20%. */
export function Fraction(description: string, opts: { allowZero?: boolean } = {}) {
  return Type.Number({
    description,
    ...(opts.allowZero ? { minimum: 0 } : { exclusiveMinimum: 0 }),
    maximum: 1,
  });
}

export const ConditionStatus = ['True', 'False', 'Unknown'] as const;

/** The standard `metav1.Condition`, as every Kind's status carries it. */
export const Condition = Type.Object(
  {
    type: Type.String({
      description: 'Condition type: Ready, Progressing or Degraded.',
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
    status: StringEnum(ConditionStatus, { description: 'True, False or Unknown.' }),
    observedGeneration: Type.Optional(
      Type.Integer({
        description: 'The .metadata.generation the condition was computed from.',
        minimum: 0,
        format: 'int64',
      }),
    ),
    lastTransitionTime: Type.String({
      description: 'When the status last changed (not when it was last computed).',
      format: 'date-time',
    }),
    reason: Type.String({
      description: 'PascalCase reason for the last transition.',
      minLength: 1,
      maxLength: 1024,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: Type.String({ description: 'What happened, for a person.', maxLength: 32768 }),
  },
  { description: 'A condition in the Kubernetes API convention.', additionalProperties: false },
);

export function Conditions() {
  return Type.Array(Condition, {
    description: 'Ready, Progressing and Degraded, one entry per type.',
    maxItems: 8,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });
}

export const ObservedGeneration = Type.Integer({
  description: 'The .metadata.generation this status describes.',
  minimum: 0,
  format: 'int64',
});

/** Condition types every Kind uses. */
export const ConditionType = {
  Ready: 'Ready',
  Progressing: 'Progressing',
  Degraded: 'Degraded',
} as const;

/** Attach CEL rules to a schema node (kept in the CRD and checked at run time). */
export function withRules<T extends TSchema>(schema: T, rules: CelRule[]): T {
  return Object.assign(schema, { 'x-kubernetes-validations': rules });
}
