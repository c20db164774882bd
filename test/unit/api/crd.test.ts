import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseCel } from '@bufbuild/cel';
import { dumpYaml, loadYaml } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crdFor } from '../../../operator/src/api/crd.ts';
import { generatedFiles } from '../../../operator/src/api/generate.ts';
import { KINDS } from '../../../operator/src/api/v1alpha1/index.ts';
import { chartCrdCopies } from '../../../scripts/chart/generated.ts';

const root = join(import.meta.dirname, '../../..');
type Node = Record<string, any>;

/** Every schema node with its path, depth first. */
function* walk(node: Node, path: string): Generator<[string, Node]> {
  yield [path, node];
  for (const [k, v] of Object.entries(node.properties ?? {}))
    yield* walk(v as Node, `${path}.${k}`);
  if (node.items) yield* walk(node.items, `${path}[]`);
  if (typeof node.additionalProperties === 'object')
    yield* walk(node.additionalProperties, `${path}{}`);
}

const schemaOf = (kind: (typeof KINDS)[number]) =>
  (crdFor(kind) as Node).spec.versions[0].schema.openAPIV3Schema as Node;

/** Resolves `.a.b` (JSONPath-ish, as printer columns and fieldPath use) against a schema. */
function resolve(schema: Node, path: string): Node | undefined {
  let node: Node | undefined = schema;
  for (const seg of path
    .replace(/\[\?\(@\.type=="\w+"\)\]/g, '[]')
    .split('.')
    .filter(Boolean)) {
    const [name, arr] = seg.endsWith('[]') ? [seg.slice(0, -2), true] : [seg, false];
    node =
      name === 'metadata' && node?.properties?.metadata
        ? { properties: { creationTimestamp: {}, name: {} } }
        : node?.properties?.[name];
    if (arr) node = node?.items;
  }
  return node;
}

describe('generated files', () => {
  it.each(generatedFiles().map((f) => [f.path, f.content]))(
    '%s is up to date (run `make generate`)',
    (path, content) => {
      expect(readFileSync(join(root, path), 'utf8')).toBe(content);
    },
  );

  // The Helm chart installs its own crds/: byte-identical copies, and nothing else.
  const chartCrds = chartCrdCopies(generatedFiles());
  it.each(chartCrds.map((f) => [f.path, f.content]))(
    '%s is up to date (run `make generate`)',
    (path, content) => {
      expect(readFileSync(join(root, path), 'utf8')).toBe(content);
    },
  );

  it('charts/flotilla/crds holds exactly the generated CRDs, no stale ones', () => {
    expect(readdirSync(join(root, 'charts/flotilla/crds')).sort()).toEqual(
      chartCrds.map((f) => basename(f.path)).sort(),
    );
  });
});

describe.each(KINDS.map((k) => [k.kind, k] as const))('%s CRD', (_name, kind) => {
  const crd = crdFor(kind) as Node;
  const schema = schemaOf(kind);

  it('has the status subresource, short names, the flotilla category and printer columns', () => {
    const version = crd.spec.versions[0];
    expect(version.subresources).toEqual({ status: {} });
    expect(crd.spec.names.shortNames.length).toBeGreaterThan(0);
    expect(crd.spec.names.categories).toEqual(['flotilla']);
    expect(version.additionalPrinterColumns.length).toBeGreaterThanOrEqual(4);
    expect(crd.metadata.name).toBe(`${kind.plural}.flotilla.dev`);
  });

  it('is a structural schema: every node typed, no additionalProperties beside properties', () => {
    for (const [path, node] of walk(schema, '')) {
      expect(node.type, `${path} has no type`).toMatch(
        /^(object|array|string|integer|number|boolean)$/,
      );
      expect(
        node.properties && node.additionalProperties !== undefined,
        `${path} mixes properties and additionalProperties`,
      ).toBeFalsy();
      for (const banned of [
        'anyOf',
        'oneOf',
        'allOf',
        'not',
        '$ref',
        '$id',
        'uniqueItems',
        'patternHint',
        'const',
      ]) {
        expect(node[banned], `${path} uses ${banned}`).toBeUndefined();
      }
      if (node.exclusiveMinimum !== undefined) expect(node.exclusiveMinimum).toBe(true);
    }
  });

  it('describes every field', () => {
    for (const [path, node] of walk(schema.properties.spec, 'spec'))
      expect(node.description, `${path} has no description`).toBeTruthy();
    for (const [path, node] of walk(schema.properties.status, 'status'))
      expect(node.description, `${path} has no description`).toBeTruthy();
  });

  it('uses only fields the Kubernetes API types know (client-node keeps every one)', () => {
    const text = readFileSync(join(root, `crds/flotilla.dev_${kind.plural}.yaml`), 'utf8');
    expect(parse(dumpYaml(loadYaml(text)))).toEqual(parse(text));
  });

  it('has CEL rules that parse and fieldPaths that exist', () => {
    for (const [path, node] of walk(schema, '')) {
      for (const rule of node['x-kubernetes-validations'] ?? []) {
        expect(() => parseCel(rule.rule), `${path}: ${rule.rule}`).not.toThrow();
        if (rule.fieldPath)
          expect(resolve(node, rule.fieldPath), `${path}${rule.fieldPath}`).toBeDefined();
      }
    }
  });

  it('has printer columns that point at schema fields', () => {
    for (const col of crd.spec.versions[0].additionalPrinterColumns) {
      expect(resolve(schema, col.jsonPath), `${col.name}: ${col.jsonPath}`).toBeDefined();
    }
  });
});

describe('all CRDs', () => {
  it('have distinct short names and plurals', () => {
    const names = KINDS.flatMap((k) => [k.plural, ...k.shortNames]);
    expect(new Set(names).size).toBe(names.length);
  });
});
