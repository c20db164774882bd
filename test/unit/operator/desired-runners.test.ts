import { describe, expect, it } from 'vitest';
import {
  desiredRunners,
  MODELS_PATH,
  runnerAccess,
} from '../../../operator/src/controllers/strategy/desired-runners.ts';

const find = (objects: Record<string, any>[], kind: string) =>
  objects.find((o) => o.kind === kind) as Record<string, any>;

describe('desiredRunners', () => {
  it('renders one StatefulSet replica per shard, reading its shard from the pod name', () => {
    const objects = desiredRunners({
      shards: 3,
      redisUrl: 'redis://10.0.0.1:6379',
      args: ['--block-ms', '50'],
    });
    expect(objects.map((o) => o.kind)).toEqual(['Service', 'StatefulSet', 'PodDisruptionBudget']);
    const sts = find(objects, 'StatefulSet');
    expect(sts.spec.replicas).toBe(3);
    const container = sts.spec.template.spec.containers[0];
    expect(container.args).toEqual(['runner', '--block-ms', '50']);
    expect(container.env).toContainEqual({ name: 'REDIS_URL', value: 'redis://10.0.0.1:6379' });
    expect(container.env).toContainEqual({
      name: 'POD_NAME',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    expect(container.volumeMounts).toEqual([]);
    expect(container.env.map((e: { name: string }) => e.name)).not.toContain('CLICKHOUSE_URL');
    const withLedger = find(
      desiredRunners({ shards: 1, redisUrl: 'redis://x:1', clickhouseUrl: 'http://ch:8123' }),
      'StatefulSet',
    ).spec.template.spec.containers[0];
    expect(withLedger.env).toContainEqual({ name: 'CLICKHOUSE_URL', value: 'http://ch:8123' });
    expect(sts.spec.selector.matchLabels).toEqual(sts.spec.template.metadata.labels);
    // Prometheus finds the runners' /metrics by annotation, on the port the container serves.
    const port = container.ports.find((p: { name: string }) => p.name === 'http').containerPort;
    expect(sts.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(port),
      'prometheus.io/path': '/metrics',
    });
  });

  it('grants only read access to ConfigMaps', () => {
    expect(find(runnerAccess(), 'Role').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  it('mounts a host model directory read-only where file:// model URIs point', () => {
    const sts = find(
      desiredRunners({ shards: 1, redisUrl: 'redis://x:1', modelsHostPath: '/srv/models' }),
      'StatefulSet',
    );
    expect(sts.spec.template.spec.volumes).toEqual([
      { name: 'models', hostPath: { path: '/srv/models', type: 'Directory' } },
    ]);
    expect(sts.spec.template.spec.containers[0].volumeMounts).toEqual([
      { name: 'models', mountPath: MODELS_PATH, readOnly: true },
    ]);
  });

  it('lets a drain take down one runner at a time, and labels what the operator manages', () => {
    const objects = desiredRunners({ shards: 2, redisUrl: 'redis://x:1', namespace: 'fleet' });
    const pdb = find(objects, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: find(objects, 'StatefulSet').spec.selector.matchLabels },
    });
    for (const o of objects as Record<string, any>[]) {
      expect(o.metadata.namespace).toBe('fleet');
      expect(o.metadata.labels['app.kubernetes.io/managed-by']).toBe('flotilla-operator');
    }
  });
});
