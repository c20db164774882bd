// Renders a Kind definition as a CustomResourceDefinition (apiextensions.k8s.io/v1) with a
// structural OpenAPI v3 schema. Pure: the same definitions always give the same object.
import { GROUP, VERSION } from './v1alpha1/common.ts';
import type { KindDefinition } from './v1alpha1/index.ts';
import type { SchemaNode } from './validation/schema-node.ts';

/** JSONSchemaProps fields Kubernetes accepts that our schemas use; everything else is dropped. */
const KEPT = [
  'description',
  'type',
  'format',
  'enum',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'required',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-validations',
] as const;

type Json = Record<string, unknown>;

/**
 * An object default with its children's defaults filled in. The API server checks a default
 * against the CEL rules of its node without applying nested defaults, so `default: {}` on an
 * object whose rules read `self.mode` would be rejected when the CRD is created.
 */
export function expandDefault(node: SchemaNode, value: unknown): unknown {
  if (node.type !== 'object' || value === null || typeof value !== 'object' || Array.isArray(value))
    return value;
  const out: Json = { ...(value as Json) };
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (out[name] === undefined && child.default !== undefined)
      out[name] = structuredClone(child.default);
    if (out[name] !== undefined) out[name] = expandDefault(child, out[name]);
  }
  return out;
}

/**
 * Converts one of our schema nodes to a Kubernetes structural schema node. JSON Schema
 * 2020's numeric exclusive bounds become OpenAPI 3.0's boolean form; `additionalProperties:
 * false` goes (the API server prunes unknown fields, and kubectl's strict field validation
 * rejects them); map schemas keep `additionalProperties`.
 */
export function toStructural(node: SchemaNode): Json {
  const out: Json = {};
  for (const key of KEPT) {
    const v = node[key];
    if (v === undefined) continue;
    out[key] = key === 'default' ? expandDefault(node, v) : v;
  }
  // A defaulted field is filled in before validation, so it is not required of the user.
  const required = (node.required ?? []).filter(
    (name) => node.properties?.[name]?.default === undefined,
  );
  if (required.length > 0) out.required = required;
  else delete out.required;
  if (node.exclusiveMinimum !== undefined)
    Object.assign(out, { minimum: node.exclusiveMinimum, exclusiveMinimum: true });
  if (node.exclusiveMaximum !== undefined)
    Object.assign(out, { maximum: node.exclusiveMaximum, exclusiveMaximum: true });
  if (node.properties) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([k, v]) => [k, toStructural(v)]),
    );
  }
  if (node.items) out.items = toStructural(node.items);
  if (typeof node.additionalProperties === 'object')
    out.additionalProperties = toStructural(node.additionalProperties);
  return out;
}

/** The root rule Kubernetes lets us write about metadata.name: strategies name streams and labels. */
const NAME_RULE = {
  rule: "self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$') && size(self.metadata.name) <= 63",
  message: 'metadata.name must be a DNS-1123 label of at most 63 characters',
};

export function crdFor(kind: KindDefinition): Json {
  const root: Json = {
    type: 'object',
    description: kind.description,
    required: ['spec'],
    properties: {
      apiVersion: {
        type: 'string',
        description: 'APIVersion of this representation of the object.',
      },
      kind: { type: 'string', description: 'Kind of the object.' },
      metadata: { type: 'object' },
      spec: toStructural(kind.spec as unknown as SchemaNode),
      status: toStructural(kind.status as unknown as SchemaNode),
    },
    'x-kubernetes-validations': [NAME_RULE],
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${kind.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'flotilla', 'app.kubernetes.io/part-of': 'flotilla' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: kind.kind,
        listKind: `${kind.kind}List`,
        plural: kind.plural,
        singular: kind.singular,
        shortNames: [...kind.shortNames],
        categories: ['flotilla'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: root },
          subresources: { status: {} },
          additionalPrinterColumns: kind.printerColumns.map((c) => ({ ...c })),
        },
      ],
    },
  };
}
