import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartReadme } from '../../../scripts/chart/generated.ts';
import { type ValuesSchema, valueRows } from '../../../scripts/chart/values-table.ts';
import { CHART, helm, ROOT, render } from './helm.ts';

const valuesYaml = readFileSync(join(CHART, 'values.yaml'), 'utf8');
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as ValuesSchema;
const rows = valueRows(valuesYaml, schema);

/** Every property path the schema declares, depth first. */
function* schemaPaths(node: ValuesSchema, prefix = ''): Generator<string> {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    yield prefix + name;
    yield* schemaPaths(child, `${prefix}${name}.`);
  }
}

describe('values.schema.json', () => {
  it('is draft-07 and closed at the top level', () => {
    const raw = schema as ValuesSchema & Record<string, unknown>;
    expect(raw.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(raw.additionalProperties).toBe(false);
  });

  it.each([
    [{ operator: { replicas: -1 } }, "'/operator/replicas'", 'minimum'],
    [{ operator: { replicas: 'two' } }, "'/operator/replicas'", 'want integer'],
    [{ operator: { replica: 3 } }, "'/operator'", "'replica' not allowed"],
    [{ operator: { logLevel: 'loud' } }, "'/operator/logLevel'", 'info'],
    [{ operator: { leaderElectionId: 'Not_A_Name' } }, "'/operator/leaderElectionId'", 'pattern'],
    [{ image: { pullPolicy: 'Sometimes' } }, "'/image/pullPolicy'", 'IfNotPresent'],
    [{ image: { repository: '' } }, "'/image/repository'", 'minLength'],
    [{ imagePullSecrets: ['ghcr'] }, "'/imagePullSecrets/0'", 'want object'],
    [{ watchNamespace: 'Fleet A' }, "'/watchNamespace'", 'pattern'],
    [{ metrics: { port: 70000 } }, "'/metrics/port'", 'maximum'],
    [{ redis: { url: 'localhost:6379' } }, "'/redis/url'", 'pattern'],
    [{ runner: { shardCapacity: 0 } }, "'/runner/shardCapacity'", 'minimum'],
    [{ runner: { maxShards: 0 } }, "'/runner/maxShards'", 'minimum'],
    [{ runner: { resources: { requests: { gpu: 1 } } } }, "'/runner/resources/requests'", 'gpu'],
    [
      { runner: { resources: { limits: { memory: 'lots' } } } },
      "'/runner/resources/limits/memory'",
      'pattern',
    ],
    [{ runner: { extraArgs: ['block-ms=50'] } }, "'/runner/extraArgs/0'", 'pattern'],
    [{ models: { hostPath: 'models' } }, "'/models/hostPath'", 'pattern'],
    [{ dashboards: { label: 'not a label' } }, "'/dashboards/label'", 'pattern'],
    [{ alerts: { labels: { release: 1 } } }, "'/alerts/labels/release'", 'want string'],
    [{ typo: true }, "'typo' not allowed", ''],
  ])('rejects %j naming %s', (values, field, why) => {
    const run = helm(['template', 'flotilla', CHART], values);
    expect(run.status).not.toBe(0);
    const line = run.stderr.split('\n').find((l) => l.includes(field)) ?? run.stderr;
    expect(line).toContain(field);
    expect(line).toContain(why);
  });

  it('accepts the values of a local-cluster install', () => {
    expect(() =>
      render({
        redis: { url: 'redis://10.244.7.1:6379' },
        models: { hostPath: join(ROOT, 'examples/models') },
        runner: { extraArgs: ['--block-ms=50'], resources: { requests: { cpu: '100m' } } },
      }),
    ).not.toThrow();
  });
});

describe('values.yaml', () => {
  it('has a comment above every value', () => {
    expect(rows.filter((r) => r.description === '').map((r) => r.key)).toEqual([]);
  });

  it('gives a default to every value the schema declares', () => {
    const keys = rows.map((r) => r.key);
    // `global` is what a parent chart passes to its subcharts; it has no default of its own.
    const missing = [...schemaPaths(schema)].filter(
      (path) =>
        path !== 'global' &&
        !keys.some((k) => path === k || path.startsWith(`${k}.`) || k.startsWith(`${path}.`)),
    );
    expect(missing).toEqual([]);
  });
});

describe('charts/flotilla/README.md', () => {
  it('has the values table generated from values.yaml (run `make generate`)', () => {
    const { path, content } = chartReadme(ROOT);
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(content);
  });
});
