// The subset of JSON Schema our TypeBox schemas use, as plain data.
import type { CelRule } from '../v1alpha1/common.ts';

export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  default?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  /** Our own keyword: words for a pattern in error messages. Not written to CRDs. */
  patternHint?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  'x-kubernetes-validations'?: CelRule[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
}

/** A TypeBox schema seen as plain JSON Schema data (its symbols dropped). */
export function asNode(schema: unknown): SchemaNode {
  return schema as SchemaNode;
}

/** The schema of a child path segment, or undefined when the schema does not describe it. */
export function childNode(
  schema: SchemaNode | undefined,
  segment: string | number,
): SchemaNode | undefined {
  if (!schema) return undefined;
  if (typeof segment === 'number') return schema.items;
  return (
    schema.properties?.[segment] ??
    (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined)
  );
}
