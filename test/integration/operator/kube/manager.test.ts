// A whole controller on the Manager against the real API server: it mirrors each "source"
// ConfigMap into an owned "<name>-child" ConfigMap, converges hand edits and deletions back,
// makes no write once converged, and hands over to a standby on graceful stop.
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyIfChanged } from '../../../../operator/src/kube/apply.ts';
import { Controller } from '../../../../operator/src/kube/controller.ts';
import type { LeaseSpec } from '../../../../operator/src/kube/lease.ts';
import { Manager } from '../../../../operator/src/kube/manager.ts';
import { CORE } from '../../../../operator/src/kube/resource-type.ts';
import { eventually } from '../../../harness/eventually.ts';
import { kubectlOk } from '../../../harness/kubectl.ts';
import { createNamespace } from '../../../harness/namespace.ts';
import { kubeConfig, silent } from './helpers.ts';

const kubeconfig = inject('kubeconfig');
let ns: string;
const managers: Manager[] = [];

beforeAll(async () => {
  ns = await createNamespace(kubeconfig, 'manager');
});
afterAll(async () => {
  await Promise.all(managers.map((m) => m.stop()));
});

function mirrorManager(identity: string) {
  const registry = new Registry();
  const lostLeadership: string[] = [];
  const manager = new Manager({
    kc: kubeConfig(kubeconfig),
    namespace: ns,
    leaderElection: {
      enabled: true,
      leaseName: 'mirror',
      leaseNamespace: ns,
      identity,
      retryPeriodMs: 200,
    },
    registry,
    logger: silent,
    resyncMs: 500,
    onLostLeadership: () => lostLeadership.push(identity),
  });
  managers.push(manager);
  const sources = manager.informer<V1ConfigMap>(CORE.configMap, { labelSelector: 'role=source' });
  const children = manager.informer<V1ConfigMap>(CORE.configMap, { labelSelector: 'role=child' });
  const writes: string[] = [];
  const controller = new Controller({
    name: 'mirror',
    logger: silent,
    metrics: manager.metrics,
    reconcile: async (key) => {
      const source = sources.get(key);
      if (!source) return undefined; // its child goes with it (ownerReference)
      const childKey = { namespace: key.namespace, name: `${key.name}-child` };
      const out = await applyIfChanged(
        manager.client,
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            ...childKey,
            labels: { role: 'child' },
            ownerReferences: [
              {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                name: key.name,
                uid: source.metadata?.uid ?? '',
                controller: true,
              },
            ],
          },
          data: source.data,
        },
        children.get(childKey),
      );
      if (out.written) {
        writes.push(`${childKey.name} ${out.reason}`);
        manager.events.record(
          source,
          'Normal',
          'Mirrored',
          `wrote ${childKey.name} (${out.reason})`,
        );
      }
      return undefined;
    },
  })
    .watch(sources)
    .watchOwned(children, { kind: 'ConfigMap', apiVersion: 'v1' });
  manager.add(controller);
  return { manager, registry, writes, children, lostLeadership };
}

const source = (name: string, data: Record<string, string>) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { role: 'source' } },
    data,
  });

async function childData(name: string): Promise<string | undefined> {
  const out = await kubectlOk(kubeconfig, [
    '-n',
    ns,
    'get',
    'configmaps',
    '-l',
    'role=child',
    '-o',
    'json',
  ]);
  const item = (JSON.parse(out) as { items: V1ConfigMap[] }).items.find(
    (i) => i.metadata?.name === name,
  );
  return item ? JSON.stringify(item.data) : undefined;
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return (
    m?.values.find((v) =>
      Object.entries(labels).every(([k, x]) => (v.labels as Record<string, unknown>)[k] === x),
    )?.value ?? 0
  );
}

describe('Manager', () => {
  it('converges, reverts hand changes, then reconciles without writing; stop() releases the lease', async () => {
    const { manager, registry, writes } = mirrorManager('only');
    await manager.start();
    expect(manager.ready()).toBe(true);
    await eventually('leadership', () => (manager.leading ? true : undefined));
    expect(await metricValue(registry, 'flotilla_operator_leader')).toBe(1);

    await kubectlOk(kubeconfig, ['-n', ns, 'apply', '-f', '-'], source('alpha', { k: 'v1' }));
    await eventually('the child', async () =>
      (await childData('alpha-child')) === '{"k":"v1"}' ? true : undefined,
    );

    await kubectlOk(kubeconfig, ['-n', ns, 'delete', 'configmap', 'alpha-child']);
    await eventually('the child to come back', async () =>
      (await childData('alpha-child')) === '{"k":"v1"}' ? true : undefined,
    );
    await kubectlOk(kubeconfig, [
      '-n',
      ns,
      'patch',
      'configmap',
      'alpha-child',
      '--type=merge',
      '-p',
      '{"data":{"k":"hand"}}',
    ]);
    await eventually('the hand edit to be reverted', async () =>
      (await childData('alpha-child')) === '{"k":"v1"}' ? true : undefined,
    );
    expect(writes).toEqual(['alpha-child missing', 'alpha-child missing', 'alpha-child drifted']);

    // Converged: resyncs keep reconciling (every 500 ms), and nothing is written.
    const before = await metricValue(registry, 'flotilla_operator_reconcile_total', {
      result: 'success',
    });
    await eventually('several more reconciles', async () =>
      (await metricValue(registry, 'flotilla_operator_reconcile_total', { result: 'success' })) >=
      before + 4
        ? true
        : undefined,
    );
    expect(writes).toHaveLength(3);
    const events = await kubectlOk(kubeconfig, [
      '-n',
      ns,
      'get',
      'events',
      '--field-selector',
      'reason=Mirrored',
      '-o',
      'name',
    ]);
    expect(events.trim().split('\n').length).toBeGreaterThanOrEqual(1);

    await manager.stop();
    expect(manager.leading).toBe(false);
    const lease = await manager.client.get<KubernetesObject & { spec?: LeaseSpec }>(CORE.lease, {
      namespace: ns,
      name: 'mirror',
    });
    expect(lease?.spec?.holderIdentity).toBeUndefined();
  });

  it('a standby with warm caches takes over on graceful stop and converges a change made meanwhile', async () => {
    const first = mirrorManager('first');
    const second = mirrorManager('second');
    await first.manager.start();
    await eventually('first to lead', () => (first.manager.leading ? true : undefined));
    await second.manager.start();
    expect(second.manager.ready()).toBe(true);
    expect(second.manager.leading).toBe(false);

    await first.manager.stop();
    await kubectlOk(
      kubeconfig,
      ['-n', ns, 'apply', '-f', '-'],
      source('beta', { k: 'after-handover' }),
    );
    await eventually('second to lead', () => (second.manager.leading ? true : undefined));
    await eventually('beta-child', async () =>
      (await childData('beta-child')) === '{"k":"after-handover"}' ? true : undefined,
    );
    expect(first.writes.filter((w) => w.startsWith('beta'))).toEqual([]);
    expect(second.writes).toContain('beta-child missing');
    expect([...first.lostLeadership, ...second.lostLeadership]).toEqual([]);
  });
});
