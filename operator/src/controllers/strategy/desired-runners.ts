// The runner workload for a fleet: one StatefulSet whose replica i runs shard i (it reads the
// ConfigMap flotilla-shard-<i>), a headless Service for stable pod names, and the least
// privilege a runner needs (read ConfigMaps in its namespace). Pure: the Strategy controller
// applies these; the demo and tests use them directly until it exists.

export const RUNNER_NAME = 'flotilla-runner';
export const DEFAULT_IMAGE = 'ghcr.io/flotilla-dev/flotilla:dev';
/** Where runners find model files given as file:// URIs. */
export const MODELS_PATH = '/var/lib/flotilla/models';

export interface RunnerWorkloadOptions {
  shards: number;
  redisUrl: string;
  image?: string;
  /** Extra `flotilla runner` flags. */
  args?: string[];
  /** A host directory mounted read-only at MODELS_PATH (local clusters). */
  modelsHostPath?: string;
}

export function desiredRunners(o: RunnerWorkloadOptions): Record<string, unknown>[] {
  const labels = { 'app.kubernetes.io/name': RUNNER_NAME, 'app.kubernetes.io/part-of': 'flotilla' };
  const models = o.modelsHostPath
    ? {
        volumes: [{ name: 'models', hostPath: { path: o.modelsHostPath, type: 'Directory' } }],
        mounts: [{ name: 'models', mountPath: MODELS_PATH, readOnly: true }],
      }
    : { volumes: [], mounts: [] };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: RUNNER_NAME, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: RUNNER_NAME, labels },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: RUNNER_NAME, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: RUNNER_NAME },
      subjects: [{ kind: 'ServiceAccount', name: RUNNER_NAME }],
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: RUNNER_NAME, labels },
      spec: { clusterIP: 'None', selector: labels, ports: [{ name: 'http', port: 8080 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: RUNNER_NAME, labels },
      spec: {
        serviceName: RUNNER_NAME,
        replicas: o.shards,
        // Shards are independent: start and replace them in parallel.
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: RUNNER_NAME,
            terminationGracePeriodSeconds: 10,
            volumes: models.volumes,
            containers: [
              {
                name: 'runner',
                image: o.image ?? DEFAULT_IMAGE,
                // The shard is the pod's ordinal: flotilla-runner-0 reads flotilla-shard-0.
                args: ['runner', ...(o.args ?? [])],
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                  },
                  { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                  { name: 'REDIS_URL', value: o.redisUrl },
                ],
                ports: [{ name: 'http', containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 2 },
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
                volumeMounts: models.mounts,
              },
            ],
          },
        },
      },
    },
  ];
}
