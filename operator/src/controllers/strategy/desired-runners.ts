// The runner workload for a fleet: one StatefulSet whose replica i runs shard i (it reads the
// ConfigMap flotilla-shard-<i>), a headless Service for stable pod names and a
// PodDisruptionBudget. Pure: the Strategy controller applies these. The runner's own RBAC
// (read ConfigMaps in its namespace) is installed by the Helm chart, so the operator needs no
// RBAC rights; `runnerAccess()` renders the same for tests and scripts that run without it.

export const RUNNER_NAME = 'flotilla-runner';
export const DEFAULT_IMAGE = 'ghcr.io/flotilla-dev/flotilla:dev';
/** Where runners find model files given as file:// URIs. */
export const MODELS_PATH = '/var/lib/flotilla/models';
export const MANAGED_BY = 'flotilla-operator';

export const RUNNER_LABELS = {
  'app.kubernetes.io/name': RUNNER_NAME,
  'app.kubernetes.io/part-of': 'flotilla',
} as const;

export interface RunnerResources {
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
}

export interface RunnerWorkloadOptions {
  shards: number;
  redisUrl: string;
  /** The ledger's ClickHouse; runners keep no ledger without it. */
  clickhouseUrl?: string;
  namespace?: string;
  image?: string;
  serviceAccountName?: string;
  resources?: RunnerResources;
  /** Extra `flotilla runner` flags. */
  args?: string[];
  /** A host directory mounted read-only at MODELS_PATH (local clusters). */
  modelsHostPath?: string;
}

const meta = (name: string, namespace: string | undefined, labels: Record<string, string>) => ({
  name,
  ...(namespace ? { namespace } : {}),
  labels,
});

/** The runner's ServiceAccount and its read access to ConfigMaps (the chart's job in a real install). */
export function runnerAccess(namespace?: string): Record<string, unknown>[] {
  const labels = { ...RUNNER_LABELS };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(RUNNER_NAME, namespace, labels) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(RUNNER_NAME, namespace, labels),
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(RUNNER_NAME, namespace, labels),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: RUNNER_NAME },
      subjects: [{ kind: 'ServiceAccount', name: RUNNER_NAME }],
    },
  ];
}

/** The runner's HTTP port (`flotilla runner --http-port`'s default): /metrics, probes, forensics. */
const HTTP_PORT = 8080;
/** Where a Prometheus that discovers pods by annotation finds the runner's /metrics. */
const SCRAPE_ANNOTATIONS = {
  'prometheus.io/scrape': 'true',
  'prometheus.io/port': String(HTTP_PORT),
  'prometheus.io/path': '/metrics',
};

export function desiredRunners(o: RunnerWorkloadOptions): Record<string, unknown>[] {
  const labels: Record<string, string> = { ...RUNNER_LABELS };
  const owned = { ...labels, 'app.kubernetes.io/managed-by': MANAGED_BY };
  const ns = o.namespace;
  const models = o.modelsHostPath
    ? {
        volumes: [{ name: 'models', hostPath: { path: o.modelsHostPath, type: 'Directory' } }],
        mounts: [{ name: 'models', mountPath: MODELS_PATH, readOnly: true }],
      }
    : { volumes: [], mounts: [] };
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(RUNNER_NAME, ns, owned),
      spec: { clusterIP: 'None', selector: labels, ports: [{ name: 'http', port: HTTP_PORT }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(RUNNER_NAME, ns, owned),
      spec: {
        serviceName: RUNNER_NAME,
        replicas: o.shards,
        // Shards are independent: start and replace them in parallel.
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: labels },
        template: {
          // For a Prometheus that discovers pods by annotation (dashboards/ reads these series).
          metadata: { labels, annotations: SCRAPE_ANNOTATIONS },
          spec: {
            serviceAccountName: o.serviceAccountName ?? RUNNER_NAME,
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
                  ...(o.clickhouseUrl ? [{ name: 'CLICKHOUSE_URL', value: o.clickhouseUrl }] : []),
                ],
                ports: [{ name: 'http', containerPort: HTTP_PORT }],
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 2 },
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
                volumeMounts: models.mounts,
                ...(o.resources ? { resources: o.resources } : {}),
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(RUNNER_NAME, ns, owned),
      // Shards are disjoint: a drain may take down one runner at a time, never two.
      spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
    },
  ];
}
