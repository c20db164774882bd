// Turns schema-validator errors into messages that name the field and the limit:
// "spec.trafficPercent: 140 is above the maximum 100".
import { childNode, type SchemaNode } from './schema-node.ts';

export interface FieldError {
  /** Field path in kubectl style: `spec.features[2].window`. */
  path: string;
  message: string;
}

/** The error shape TypeBox (and Ajv) report. */
export interface RawSchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Appends one segment to a kubectl-style path. */
export function joinPath(base: string, segment: string | number): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) return base ? `${base}.${segment}` : segment;
  return `${base}[${segment}]`;
}

interface Located {
  path: string;
  node: SchemaNode | undefined;
  value: unknown;
}

/** Walks schema and value along a JSON pointer, with array indices as numbers. */
function locate(root: SchemaNode, value: unknown, base: string, pointer: string): Located {
  let path = base;
  let node: SchemaNode | undefined = root;
  let current: unknown = value;
  for (const raw of pointerSegments(pointer)) {
    const segment: string | number =
      Array.isArray(current) && /^\d+$/.test(raw) ? Number(raw) : raw;
    path = joinPath(path, segment);
    node = childNode(node, segment);
    current =
      current !== null && typeof current === 'object'
        ? (current as Record<string, unknown>)[raw]
        : undefined;
  }
  return { path, node, value: current };
}

export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

export function formatSchemaError(
  e: RawSchemaError,
  root: SchemaNode,
  value: unknown,
  base: string,
): FieldError[] {
  const at = locate(root, value, base, e.instancePath);
  const limit = e.params.limit as number;
  const one = (message: string): FieldError[] => [{ path: at.path, message }];
  switch (e.keyword) {
    case 'required':
      return (e.params.requiredProperties as string[]).map((p) => ({
        path: joinPath(at.path, p),
        message: 'is required',
      }));
    case 'additionalProperties': {
      if (at.node?.additionalProperties !== false) return []; // a value schema failed; that error says why
      const known = Object.keys(at.node.properties ?? {}).join(', ');
      return (e.params.additionalProperties as string[]).map((p) => ({
        path: joinPath(at.path, p),
        message: `unknown field (known fields: ${known})`,
      }));
    }
    case 'boolean':
      return []; // the `additionalProperties: false` branch; reported above
    case 'type':
      return one(`must be ${article(String(e.params.type))} (got ${show(at.value)})`);
    case 'enum':
      return one(
        `${show(at.value)} is not one of: ${(e.params.allowedValues as unknown[]).join(', ')}`,
      );
    case 'minimum':
      return one(`${show(at.value)} is below the minimum ${limit}`);
    case 'maximum':
      return one(`${show(at.value)} is above the maximum ${limit}`);
    case 'exclusiveMinimum':
      return one(`${show(at.value)} must be greater than ${limit}`);
    case 'exclusiveMaximum':
      return one(`${show(at.value)} must be less than ${limit}`);
    case 'minLength':
      return one(`${show(at.value)} is shorter than the minimum of ${plural(limit, 'character')}`);
    case 'maxLength':
      if (at.node?.enum) return []; // the enum error says more
      return one(
        `is longer than the maximum of ${plural(limit, 'character')} (got ${String(at.value).length})`,
      );
    case 'minItems':
      return one(
        `must have at least ${plural(limit, 'item')} (got ${(at.value as unknown[]).length})`,
      );
    case 'maxItems':
      return one(
        `must have at most ${plural(limit, 'item')} (got ${(at.value as unknown[]).length})`,
      );
    case 'minProperties':
      return one(`must set at least ${plural(limit, 'field')}`);
    case 'maxProperties':
      return one(`must have at most ${plural(limit, 'entry', 'entries')}`);
    case 'pattern':
      return one(
        `${show(at.value)} is not ${at.node?.patternHint ?? `a match for ${String(e.params.pattern)}`}`,
      );
    case 'format':
      return one(`${show(at.value)} is not a valid ${String(e.params.format)}`);
    default:
      return one(e.message);
  }
}
