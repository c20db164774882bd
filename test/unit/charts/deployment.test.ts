import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { operatorCommand } from '../../../cli/commands/operator.ts';
import { CHART, find, type Manifest, RELEASE_NAMESPACE, ROOT, render } from './helm.ts';

const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const deployment = (values: object = {}) => find(render(values), 'Deployment');
const container = (d: Manifest): Manifest => d.spec.template.spec.containers[0];
const args = (values: object = {}): string[] => container(deployment(values)).args;

describe('Chart.yaml', () => {
  it('is apiVersion v2 and its appVersion is the package.json version', () => {
    expect(chart.apiVersion).toBe('v2');
    expect(chart.appVersion).toBe(pkg.version);
  });
});

describe('operator Deployment with the default values', () => {
  const d = deployment();
  const c = container(d);

  it('runs 2 replicas with leader election, in the release namespace', () => {
    expect(d.metadata.namespace).toBe(RELEASE_NAMESPACE);
    expect(d.spec.replicas).toBe(2);
    expect(c.args).toContain('--leader-elect');
    expect(c.args).toContain('--leader-election-id=flotilla-operator');
  });

  it('runs `flotilla operator` through the image entrypoint (args, never command)', () => {
    expect(c.command).toBeUndefined();
    expect(c.args[0]).toBe('operator');
    expect(c.image).toBe(`ghcr.io/flotilla-dev/flotilla:${pkg.version}`);
  });

  it('passes every operator flag the chart sets, watching the release namespace', () => {
    expect(c.args).toEqual([
      'operator',
      '--metrics-bind-address=:8080',
      '--health-probe-bind-address=:8081',
      '--leader-elect',
      '--leader-election-id=flotilla-operator',
      `--namespace=${RELEASE_NAMESPACE}`,
      '--shard-capacity=50',
      '--max-shards=100',
      `--runner-image=ghcr.io/flotilla-dev/flotilla:${pkg.version}`,
      '--runner-service-account=flotilla-runner',
      '--log-level=info',
    ]);
  });

  it('gives the operator its pod identity, Redis and a model cache in its emptyDir', () => {
    const env = Object.fromEntries(c.env.map((e: Manifest) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toEqual({
      POD_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
      POD_NAMESPACE: { fieldRef: { fieldPath: 'metadata.namespace' } },
      REDIS_URL: 'redis://redis:6379',
      FLOTILLA_MODEL_CACHE: '/var/cache/flotilla/models',
      TMPDIR: '/var/cache/flotilla',
    });
  });

  it('passes the ledger ClickHouse to the operator (for its runners) only when set', () => {
    const env = (values: object) =>
      container(deployment(values)).env.find((e: Manifest) => e.name === 'CLICKHOUSE_URL');
    expect(env({})).toBeUndefined();
    expect(env({ clickhouse: { url: 'http://ch:8123' } })).toEqual({
      name: 'CLICKHOUSE_URL',
      value: 'http://ch:8123',
    });
  });

  it('probes /healthz for liveness and /readyz for readiness on the health port', () => {
    const health = c.ports.find((p: Manifest) => p.name === 'health');
    expect(health.containerPort).toBe(8081);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
  });

  it('runs non-root on a read-only root, no capabilities, no escalation, RuntimeDefault seccomp', () => {
    const pod = d.spec.template.spec.securityContext;
    expect(pod.runAsNonRoot).toBe(true);
    expect(pod.runAsUser).toBe(65532);
    expect(pod.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('mounts one writable emptyDir for its cache and nothing else', () => {
    expect(c.volumeMounts).toEqual([{ name: 'cache', mountPath: '/var/cache/flotilla' }]);
    expect(d.spec.template.spec.volumes).toEqual([{ name: 'cache', emptyDir: {} }]);
  });

  it('sets no resources unless asked', () => {
    expect(c.resources).toBeUndefined();
  });

  it('selects its pods by labels the runner pods do not carry', () => {
    const selector = d.spec.selector.matchLabels;
    expect(selector['app.kubernetes.io/component']).toBe('operator');
    expect(d.spec.template.metadata.labels).toMatchObject(selector);
    expect(selector['app.kubernetes.io/name']).not.toBe('flotilla-runner');
  });
});

describe('operator Deployment with values set', () => {
  it('passes runner resources, image, extra args, log level and the models hostPath', () => {
    const d = deployment({
      image: { tag: 'v9' },
      operator: { logLevel: 'debug', resources: { requests: { cpu: '100m', memory: '128Mi' } } },
      runner: {
        image: 'registry.example/flotilla-runner:v9',
        shardCapacity: 7,
        maxShards: 3,
        resources: {
          requests: { cpu: '250m', memory: '256Mi' },
          limits: { cpu: 1, memory: '1Gi' },
        },
        extraArgs: ['--block-ms=50', '--start-from=earliest'],
      },
      models: { hostPath: '/srv/models' },
    });
    const c = container(d);
    expect(c.image).toBe('ghcr.io/flotilla-dev/flotilla:v9');
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' } });
    expect(c.args).toEqual(
      expect.arrayContaining([
        '--shard-capacity=7',
        '--max-shards=3',
        '--runner-image=registry.example/flotilla-runner:v9',
        '--runner-cpu-request=250m',
        '--runner-memory-request=256Mi',
        '--runner-cpu-limit=1',
        '--runner-memory-limit=1Gi',
        '--runner-models-host-path=/srv/models',
        '--runner-arg=--block-ms=50',
        '--runner-arg=--start-from=earliest',
        '--log-level=debug',
      ]),
    );
    expect(c.volumeMounts).toContainEqual({
      name: 'models',
      mountPath: '/var/lib/flotilla/models',
      readOnly: true,
    });
    expect(d.spec.template.spec.volumes).toContainEqual({
      name: 'models',
      hostPath: { path: '/srv/models', type: 'Directory' },
    });
  });

  it('watches watchNamespace when set', () => {
    expect(args({ watchNamespace: 'fleet' })).toContain('--namespace=fleet');
  });

  it('drops --leader-elect for a single replica without leader election', () => {
    expect(args({ operator: { replicas: 1, leaderElect: false } })).not.toContain('--leader-elect');
  });

  it('refuses several replicas without leader election', () => {
    expect(() => render({ operator: { replicas: 2, leaderElect: false } })).toThrow(
      /operator\.replicas > 1 needs operator\.leaderElect/,
    );
  });

  it('refuses the same port for metrics and health', () => {
    expect(() => render({ metrics: { port: 9000, healthPort: 9000 } })).toThrow(
      /metrics\.port and metrics\.healthPort must differ/,
    );
  });
});

describe('the flags the chart passes', () => {
  it('are all options of `flotilla operator`, with every optional value set', () => {
    const known = new Set(operatorCommand().options.map((o) => o.long));
    const passed = args({
      runner: {
        image: 'r:1',
        resources: { requests: { cpu: 1, memory: '1Gi' }, limits: { cpu: 2, memory: '2Gi' } },
        extraArgs: ['--block-ms=50'],
      },
      models: { hostPath: '/srv/models' },
    }).slice(1);
    expect(passed.length).toBe(16);
    expect(passed.map((a) => a.split('=')[0]).filter((flag) => !known.has(flag))).toEqual([]);
  });
});

describe('metrics Service', () => {
  it('selects the operator pods on the metrics port, with scrape annotations', () => {
    const manifests = render();
    const service = find(manifests, 'Service');
    const d = find(manifests, 'Deployment');
    expect(service.spec.selector).toEqual(d.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([
      { name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    expect(service.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics',
    });
  });

  it('has no annotations when scrapeAnnotations is off', () => {
    const service = find(render({ metrics: { scrapeAnnotations: false } }), 'Service');
    expect(service.metadata.annotations).toBeUndefined();
  });
});
