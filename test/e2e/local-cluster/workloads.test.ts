// Pods of the local cluster are real processes: a StatefulSet of `flotilla local hello`
// replicas gets pod IPs, probes, restarts, logs, scale-down and RBAC like a real node gives.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { eventually } from '../../harness/eventually.ts';
import { kubectl, kubectlOk } from '../../harness/kubectl.ts';
import { createNamespace } from '../../harness/namespace.ts';
import { containerPid } from '../../harness/pods.ts';

const kubeconfig = inject('kubeconfig');
const IMAGE = 'ghcr.io/flotilla-dev/flotilla:dev';
let ns: string;

const k = (...args: string[]) => kubectlOk(kubeconfig, ['-n', ns, ...args]);
const apply = (...objects: object[]) =>
  kubectlOk(
    kubeconfig,
    ['-n', ns, 'apply', '-f', '-'],
    objects.map((o) => stringify(o)).join('---\n'),
  );

const podEnv = [
  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
];

function helloStatefulSet(replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'hello' },
    spec: {
      serviceName: 'hello',
      replicas,
      selector: { matchLabels: { app: 'hello' } },
      template: {
        metadata: { labels: { app: 'hello' } },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'hello',
              image: IMAGE,
              args: ['local', 'hello', '--port', '8080'],
              env: podEnv,
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}

const headlessService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'hello' },
  spec: { clusterIP: 'None', selector: { app: 'hello' }, ports: [{ name: 'http', port: 8080 }] },
};

beforeAll(async () => {
  ns = await createNamespace(kubeconfig, 'workloads');
  await apply(helloStatefulSet(2), headlessService);
  await k('rollout', 'status', 'statefulset/hello', '--timeout=180s');
});

describe('a StatefulSet of local processes', () => {
  it('runs both replicas Ready with distinct pod IPs from the node bridge', async () => {
    const ips = (
      await k('get', 'pods', '-l', 'app=hello', '-o', 'jsonpath={.items[*].status.podIP}')
    ).split(' ');
    expect(ips).toHaveLength(2);
    expect(new Set(ips).size).toBe(2);
    for (const ip of ips) expect(ip).toMatch(/^10\.244\.\d+\.\d+$/);
    const res = await fetch(`http://${ips[0]}:8080/`);
    expect(((await res.json()) as { name: string }).name).toMatch(/^hello-[01]$/);
  });

  it('publishes a valid EndpointSlice listing both pods as ready', async () => {
    const slice = await eventually('2 ready endpoints', async () => {
      const json = JSON.parse(
        await k('get', 'endpointslices', '-l', 'kubernetes.io/service-name=hello', '-o', 'json'),
      );
      const endpoints = json.items
        .flatMap((s: any) => s.endpoints ?? [])
        .filter((e: any) => e.conditions?.ready);
      return endpoints.length === 2 ? endpoints : undefined;
    });
    const ips = (
      await k('get', 'pods', '-l', 'app=hello', '-o', 'jsonpath={.items[*].status.podIP}')
    )
      .split(' ')
      .sort();
    expect(slice.flatMap((e: any) => e.addresses).sort()).toEqual(ips);
  });

  it('shows container output through kubectl logs', async () => {
    expect(await k('logs', 'hello-0')).toContain('hello: listening on');
  });

  it('restarts a container killed with SIGKILL and counts the restart', async () => {
    const pid = containerPid(ns, 'hello-0');
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGKILL');
    await eventually('restartCount 1 and Ready', async () => {
      const out = await k(
        'get',
        'pod',
        'hello-0',
        '-o',
        'jsonpath={.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].ready}',
      );
      return out === '1 true' ? out : undefined;
    });
    expect(containerPid(ns, 'hello-0')).not.toBe(pid);
    expect(
      await k(
        'get',
        'pod',
        'hello-0',
        '-o',
        'jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}',
      ),
    ).toBe('137');
    expect(await k('logs', 'hello-0', '--previous')).toContain('hello: listening on');
  });

  it('removes pod 1 and its process on scale-down to 1', async () => {
    const pid = containerPid(ns, 'hello-1');
    expect(pid).toBeDefined();
    await k('scale', 'statefulset/hello', '--replicas=1');
    await k('wait', '--for=delete', '--timeout=60s', 'pod/hello-1');
    await eventually('the process to exit', async () =>
      containerPid(ns, 'hello-1') === undefined ? true : undefined,
    );
    expect((await k('get', 'pods', '-o', 'name')).trim()).toBe('pod/hello-0');
  });
});

describe('pods and the API', () => {
  const checker = (name: string, serviceAccountName: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      serviceAccountName,
      containers: [
        {
          name: 'hello',
          image: IMAGE,
          args: ['local', 'hello', '--check-api', '--port', '8081'],
          env: podEnv,
        },
      ],
    },
  });

  it('gives a service account without rights 403, and 200 once a RoleBinding grants it', async () => {
    await k('create', 'serviceaccount', 'no-rights');
    await k('create', 'serviceaccount', 'reader');
    await k('create', 'role', 'pod-reader', '--verb=list', '--resource=pods');
    await k(
      'create',
      'rolebinding',
      'reader',
      '--role=pod-reader',
      `--serviceaccount=${ns}:reader`,
    );
    await apply(checker('denied', 'no-rights'), checker('allowed', 'reader'));
    const denied = await eventually('api check in denied', async () => {
      const logs = await k('logs', 'denied');
      return logs.includes('api check:') ? logs : undefined;
    });
    expect(denied).toContain('api check: 403');
    const allowed = await eventually('api check in allowed', async () => {
      const logs = await k('logs', 'allowed');
      return logs.includes('api check:') ? logs : undefined;
    });
    expect(allowed).toContain('api check: 200');
  });

  it('leaves a pod whose image maps to no local command waiting with a reason that says so', async () => {
    await apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'unmapped' },
      spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
    });
    const reason = await eventually('a waiting reason', async () => {
      const r = await k(
        'get',
        'pod',
        'unmapped',
        '-o',
        'jsonpath={.status.containerStatuses[0].state.waiting.reason}',
      );
      return r === '' ? undefined : r;
    });
    expect(reason).toBe('ImageNotMapped');
    expect(
      await k(
        'get',
        'pod',
        'unmapped',
        '-o',
        'jsonpath={.status.containerStatuses[0].state.waiting.message}',
      ),
    ).toContain('nginx');
    const r = await kubectl(kubeconfig, [
      '-n',
      ns,
      'delete',
      'pod',
      'unmapped',
      '--wait=true',
      '--timeout=60s',
    ]);
    expect(r.code).toBe(0);
  });
});
