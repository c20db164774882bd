// Checks the schema states through Kubernetes keywords that JSON Schema validators do not
// know: `x-kubernetes-list-type` uniqueness and `x-kubernetes-validations` CEL rules.
import { evaluateRule, toCel } from './cel.ts';
import { type FieldError, joinPath, show } from './messages.ts';
import { childNode, type SchemaNode } from './schema-node.ts';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function listDuplicates(node: SchemaNode, list: unknown[], path: string): FieldError[] {
  const listType = node['x-kubernetes-list-type'];
  if (listType !== 'set' && listType !== 'map') return [];
  const keys = node['x-kubernetes-list-map-keys'] ?? [];
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  list.forEach((item, i) => {
    const key =
      listType === 'set'
        ? JSON.stringify(item)
        : JSON.stringify(keys.map((k) => (isObject(item) ? item[k] : undefined)));
    if (seen.has(key)) {
      const shown =
        listType === 'set'
          ? show(item)
          : keys.map((k) => `${k}=${show(isObject(item) ? item[k] : undefined)}`).join(', ');
      errors.push({ path: joinPath(path, i), message: `duplicate entry ${shown}` });
    }
    seen.add(key);
  });
  return errors;
}

/**
 * Walks value and schema together. CEL rules run on a node only when the node has the type
 * its schema says, as the API server does; `strict` reports rules that fail to evaluate
 * (off while plain schema errors exist, since those usually are the cause).
 */
export function checkKubernetesRules(
  node: SchemaNode,
  value: unknown,
  path: string,
  strict: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  if (Array.isArray(value)) {
    if (node.type !== 'array') return errors;
    errors.push(...listDuplicates(node, value, path));
    if (node.items)
      for (const [i, item] of value.entries())
        errors.push(...checkKubernetesRules(node.items, item, joinPath(path, i), strict));
  } else if (isObject(value)) {
    if (node.type !== 'object') return errors;
    for (const [k, v] of Object.entries(value)) {
      const child = childNode(node, k);
      if (child) errors.push(...checkKubernetesRules(child, v, joinPath(path, k), strict));
    }
  }
  for (const rule of node['x-kubernetes-validations'] ?? []) {
    const outcome = evaluateRule(rule.rule, toCel(value, node));
    if (outcome.ok || (outcome.error && !strict)) continue;
    const at = rule.fieldPath ? `${path}${rule.fieldPath}` : path;
    errors.push({
      path: at,
      message: outcome.error
        ? `${rule.message} (rule failed to evaluate: ${outcome.error})`
        : rule.message,
    });
  }
  return errors;
}
