// Validates Flotilla objects at run time with the same schemas and CEL rules the CRDs carry:
// defaults first (as the API server applies them), then the schema, then the CEL rules.
import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { Value } from 'typebox/value';
import { ValidationError } from '../../errors.ts';
import { API_VERSION, DNS_LABEL } from '../v1alpha1/common.ts';
import { KINDS, type KindDefinition, kindByName } from '../v1alpha1/index.ts';
import { type FieldError, formatSchemaError, type RawSchemaError, show } from './messages.ts';
import { checkKubernetesRules } from './rules.ts';
import { asNode } from './schema-node.ts';

export type { FieldError } from './messages.ts';

export interface Validated<T> {
  /** The input with defaults applied (a copy; the input is not changed). */
  value: T;
  errors: FieldError[];
}

function unique(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validates `input` against one schema; `path` names where it sits (e.g. `spec`). */
// Compiled checkers, one per schema: the operator and the runners validate the same shard config
// schema on every change, and collecting errors is only worth it when the check fails.
const checkers = new WeakMap<TSchema, Validator>();
function checker(schema: TSchema): Validator {
  let c = checkers.get(schema);
  if (!c) {
    c = Compile(schema);
    checkers.set(schema, c);
  }
  return c;
}

export function validateAgainst<T>(schema: TSchema, input: unknown, path: string): Validated<T> {
  const value = Value.Default(schema, Value.Clone(input)) as T;
  const node = asNode(schema);
  const schemaErrors = checker(schema).Check(value)
    ? []
    : [...Value.Errors(schema, value)].flatMap((e) =>
        formatSchemaError(e as unknown as RawSchemaError, node, value, path),
      );
  const ruleErrors = checkKubernetesRules(node, value, path, schemaErrors.length === 0);
  return { value, errors: unique([...schemaErrors, ...ruleErrors]) };
}

const NAME_RE = new RegExp(DNS_LABEL);
const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

export interface ValidatedManifest extends Validated<Record<string, unknown>> {
  kind?: KindDefinition;
  name?: string;
}

/** Validates a whole manifest of one of the four Kinds. */
export function validateManifest(input: unknown): ValidatedManifest {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return {
      value: {},
      errors: [{ path: '(document)', message: `must be an object (got ${show(input)})` }],
    };
  }
  const obj = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (obj.apiVersion !== API_VERSION)
    errors.push({ path: 'apiVersion', message: `${show(obj.apiVersion)} is not ${API_VERSION}` });
  const kind = typeof obj.kind === 'string' ? kindByName(obj.kind) : undefined;
  if (!kind)
    errors.push({
      path: 'kind',
      message: `${show(obj.kind)} is not one of: ${KINDS.map((k) => k.kind).join(', ')}`,
    });
  for (const key of Object.keys(obj))
    if (!TOP_LEVEL.has(key))
      errors.push({
        path: key,
        message: 'unknown field (known fields: apiVersion, kind, metadata, spec, status)',
      });
  const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
  const name = typeof metadata.name === 'string' ? metadata.name : undefined;
  if (name === undefined) errors.push({ path: 'metadata.name', message: 'is required' });
  else if (name.length > 63 || !NAME_RE.test(name)) {
    errors.push({
      path: 'metadata.name',
      message: `${show(name)} is not a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters)`,
    });
  }
  if (!kind) return { value: obj, errors, ...(name ? { name } : {}) };
  if (obj.spec === undefined) {
    errors.push({ path: 'spec', message: 'is required' });
    return { value: obj, errors, kind, ...(name ? { name } : {}) };
  }
  const spec = validateAgainst<Record<string, unknown>>(kind.spec, obj.spec, 'spec');
  return {
    value: { ...obj, spec: spec.value },
    errors: [...errors, ...spec.errors],
    kind,
    ...(name ? { name } : {}),
  };
}

/** One line per error, for people: `spec.trafficPercent: 140 is above the maximum 100`. */
export function describeErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('\n');
}

/**
 * The programs' entry point: the validated object with defaults applied, or a
 * ValidationError (FLT_INVALID_SPEC) listing every field and limit. `subject` names what
 * was read, e.g. `ConfigMap flotilla-shard-0`.
 */
export function parseManifest(
  input: unknown,
  subject: string,
): ValidatedManifest & { kind: KindDefinition } {
  const result = validateManifest(input);
  if (result.errors.length > 0 || !result.kind) throw new ValidationError(subject, result.errors);
  return { ...result, kind: result.kind };
}
