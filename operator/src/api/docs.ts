// Renders docs/reference/crds.md from the same schemas that generate the CRDs.

import { LOCAL_UP_ERROR_CODES } from '../../../cli/local-up/errors.ts';
import { DATASET_ERROR_CODES } from '../../../runtime/src/dataset/errors.ts';
import { RUNTIME_ERROR_CODES } from '../../../runtime/src/errors.ts';
import { FEED_ERROR_CODES } from '../../../runtime/src/feed/errors.ts';
import { FORENSICS_ERROR_CODES } from '../../../runtime/src/forensics/errors.ts';
import { INFERENCE_ERROR_CODES } from '../../../runtime/src/inference/errors.ts';
import { LEDGER_ERROR_CODES } from '../../../runtime/src/ledger/errors.ts';
import { ERROR_CODES, TRAINER_ERROR_CODES } from '../errors.ts';
import { KUBE_ERROR_CODES } from '../kube/errors.ts';
import { SHARDING_ERROR_CODES } from '../sharding/errors.ts';

/** Every code any part of Flotilla reports, in one table. */
export const ALL_ERROR_CODES: Record<string, string> = {
  ...ERROR_CODES,
  ...RUNTIME_ERROR_CODES,
  ...FEED_ERROR_CODES,
  ...INFERENCE_ERROR_CODES,
  ...TRAINER_ERROR_CODES,
  ...DATASET_ERROR_CODES,
  ...KUBE_ERROR_CODES,
  ...SHARDING_ERROR_CODES,
  ...LEDGER_ERROR_CODES,
  ...FORENSICS_ERROR_CODES,
  ...LOCAL_UP_ERROR_CODES,
};

import { API_VERSION } from './v1alpha1/common.ts';
import { KINDS, type KindDefinition } from './v1alpha1/index.ts';
import type { SchemaNode } from './validation/schema-node.ts';

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

function typeOf(node: SchemaNode): string {
  if (node.type === 'array') return `[]${node.items ? typeOf(node.items) : 'any'}`;
  if (node.type === 'object' && typeof node.additionalProperties === 'object')
    return `map[string]${typeOf(node.additionalProperties)}`;
  return node.format ? `${node.type} (${node.format})` : (node.type ?? 'any');
}

function bounds(node: SchemaNode): string {
  const parts: string[] = [];
  if (node.enum) parts.push(`one of ${node.enum.map(code).join(', ')}`);
  if (node.minimum !== undefined) parts.push(`>= ${node.minimum}`);
  if (node.exclusiveMinimum !== undefined) parts.push(`> ${node.exclusiveMinimum}`);
  if (node.maximum !== undefined) parts.push(`<= ${node.maximum}`);
  if (node.exclusiveMaximum !== undefined) parts.push(`< ${node.exclusiveMaximum}`);
  if (node.minLength !== undefined) parts.push(`length >= ${node.minLength}`);
  if (node.maxLength !== undefined && !node.enum) parts.push(`length <= ${node.maxLength}`);
  if (node.minItems !== undefined) parts.push(`items >= ${node.minItems}`);
  if (node.maxItems !== undefined) parts.push(`items <= ${node.maxItems}`);
  if (node.minProperties !== undefined) parts.push(`fields >= ${node.minProperties}`);
  if (node.maxProperties !== undefined) parts.push(`entries <= ${node.maxProperties}`);
  if (node['x-kubernetes-list-type'] === 'set') parts.push('unique items');
  if (node['x-kubernetes-list-type'] === 'map')
    parts.push(`unique by ${node['x-kubernetes-list-map-keys']?.join(', ')}`);
  if (node.pattern) parts.push(node.patternHint ?? `matches ${code(node.pattern)}`);
  return parts.join('; ');
}

interface Row {
  path: string;
  node: SchemaNode;
  required: boolean;
}

function rows(node: SchemaNode, path: string, required: boolean, out: Row[]): Row[] {
  out.push({ path, node, required });
  const inner = node.type === 'array' ? node.items : node;
  const base = node.type === 'array' ? `${path}[]` : path;
  for (const [name, child] of Object.entries(inner?.properties ?? {})) {
    rows(
      child,
      `${base}.${name}`,
      (inner?.required?.includes(name) ?? false) && child.default === undefined,
      out,
    );
  }
  return out;
}

function fieldTable(schema: SchemaNode, root: string): string[] {
  const lines = [
    '| Field | Type | Required | Default | Bounds | Description |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows(schema, root, true, []).slice(1)) {
    const dflt = r.node.default === undefined ? '' : code(r.node.default);
    lines.push(
      `| \`${r.path}\` | ${cell(typeOf(r.node))} | ${r.required ? 'yes' : ''} | ${cell(dflt)} | ${cell(bounds(r.node))} | ${cell(r.node.description ?? '')} |`,
    );
  }
  return lines;
}

function ruleTable(schema: SchemaNode, root: string): string[] {
  const found = rows(schema, root, true, []).flatMap((r) =>
    (r.node['x-kubernetes-validations'] ?? []).map(
      (rule) =>
        `| \`${r.path}${rule.fieldPath ?? ''}\` | ${cell(rule.message)} | \`${cell(rule.rule)}\` |`,
    ),
  );
  if (found.length === 0) return [];
  return [
    '',
    'Cross-field rules (CEL, enforced by the API server and by both programs):',
    '',
    '| Field | Message | Rule |',
    '|---|---|---|',
    ...found,
  ];
}

function renderKind(kind: KindDefinition): string[] {
  const spec = kind.spec as unknown as SchemaNode;
  const status = kind.status as unknown as SchemaNode;
  return [
    `## ${kind.kind}`,
    '',
    kind.description,
    '',
    `\`kubectl get ${kind.plural}\` (short name ${kind.shortNames.map((s) => `\`${s}\``).join(', ')}; category \`flotilla\`) shows: ${kind.printerColumns.map((c) => c.name).join(', ')}.`,
    '',
    '### spec',
    '',
    ...fieldTable(spec, 'spec'),
    ...ruleTable(spec, 'spec'),
    '',
    '### status',
    '',
    'Written by the operator only, through the status subresource.',
    '',
    ...fieldTable(status, 'status'),
    '',
  ];
}

export function renderCrdReference(): string {
  return [
    '<!-- Generated by `make generate` from operator/src/api/v1alpha1. Do not edit. -->',
    '# Custom resources reference',
    '',
    `API group and version: \`${API_VERSION}\`. Every Kind is namespaced, has the status subresource and belongs to the \`flotilla\` category (\`kubectl get flotilla\` lists them all). \`metadata.name\` must be a DNS-1123 label of at most 63 characters.`,
    '',
    'Bounds written `> 0` are exclusive. Durations use Go syntax (`500ms`, `30s`, `1h30m`). Fractions are in [0, 1]: `0.2` means 20%.',
    '',
    ...KINDS.flatMap(renderKind),
  ].join('\n');
}

export function renderErrorReference(): string {
  return [
    '<!-- Generated by `make generate` from the error code tables (operator/src/api/docs.ts). Do not edit. -->',
    '# Error codes',
    '',
    'Every error Flotilla reports carries a stable code. Codes are never reused.',
    '',
    '| Code | Meaning and what to do |',
    '|---|---|',
    ...Object.entries(ALL_ERROR_CODES).map(([code, text]) => `| \`${code}\` | ${cell(text)} |`),
    '',
  ].join('\n');
}
