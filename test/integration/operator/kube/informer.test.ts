// The informer against the real API server: cache and events, a cut connection, resync.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KubeClient } from '../../../../operator/src/kube/client.ts';
import { createInformer, type Informer } from '../../../../operator/src/kube/informer.ts';
import { CORE } from '../../../../operator/src/kube/resource-type.ts';
import { eventually } from '../../../harness/eventually.ts';
import { createNamespace } from '../../../harness/namespace.ts';
import { kubeConfig, silent, TcpProxy } from './helpers.ts';

const kubeconfig = inject('kubeconfig');
const kc = kubeConfig(kubeconfig);
const client = new KubeClient(kc);
let ns: string;
const informers: Informer<V1ConfigMap>[] = [];

beforeAll(async () => {
  ns = await createNamespace(kubeconfig, 'informer');
});
afterAll(async () => {
  await Promise.all(informers.map((i) => i.stop()));
});

function configMap(
  name: string,
  data: Record<string, string>,
  labels = { test: 'informer' },
): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data };
}

function recording(informer: Informer<V1ConfigMap>) {
  const events: string[] = [];
  informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
  informer.on('update', (o, old) =>
    events.push(`update ${o.metadata?.name} ${old?.data?.v ?? ''}->${o.data?.v ?? ''}`),
  );
  informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
  return events;
}

function informer(opts: { resyncMs?: number } = {}, via = kc) {
  const i = createInformer<V1ConfigMap>(via, CORE.configMap, {
    namespace: ns,
    labelSelector: 'test=informer',
    logger: silent,
    ...opts,
  });
  informers.push(i);
  return i;
}

describe('informer', () => {
  it('lists first, then follows adds, updates and deletes in its cache', async () => {
    await client.create(CORE.configMap, configMap('before', { v: '1' }));
    await client.create(CORE.configMap, configMap('unlabelled', { v: '1' }, { test: 'other' }));
    const inf = informer();
    const events = recording(inf);
    await inf.start();
    expect(inf.synced).toBe(true);
    expect(inf.list().map((o) => o.metadata?.name)).toEqual(['before']);

    await client.create(CORE.configMap, configMap('after', { v: '1' }));
    await client.patch(
      CORE.configMap,
      { namespace: ns, name: 'after' },
      { data: { v: '2' } },
      'merge',
    );
    await client.delete(CORE.configMap, { namespace: ns, name: 'before' });
    await eventually('the delete to arrive', () =>
      events.includes('delete before') ? true : undefined,
    );
    expect(events).toEqual(['add before', 'add after', 'update after 1->2', 'delete before']);
    expect(inf.get({ namespace: ns, name: 'after' })?.data).toEqual({ v: '2' });
    expect(inf.get({ namespace: ns, name: 'before' })).toBeUndefined();
    expect(inf.list(ns)).toHaveLength(1);
  });

  it('survives cut connections and a refusing server, and sees what changed meanwhile', async () => {
    const proxy = await TcpProxy.start(kc.getCurrentCluster()?.server ?? '');
    try {
      const inf = informer({}, kubeConfig(kubeconfig, proxy.url));
      inf.start();
      await client.create(CORE.configMap, configMap('probe', { v: '1' }));
      await eventually('the watch to deliver', () => inf.get({ namespace: ns, name: 'probe' }));
      const before = proxy.connections;

      proxy.refuse(true);
      proxy.cut();
      await client.create(CORE.configMap, configMap('made-while-cut', { v: '1' }));
      await client.patch(
        CORE.configMap,
        { namespace: ns, name: 'probe' },
        { data: { v: '2' } },
        'merge',
      );
      proxy.refuse(false);

      await eventually('the informer to catch up', () =>
        inf.get({ namespace: ns, name: 'made-while-cut' }) &&
        inf.get({ namespace: ns, name: 'probe' })?.data?.v === '2'
          ? true
          : undefined,
      );
      expect(proxy.connections).toBeGreaterThan(before);
    } finally {
      await proxy.close();
    }
  });

  it('re-emits an update for every cached object at each resync', async () => {
    await client.create(CORE.configMap, configMap('resynced', { v: '1' }));
    const inf = informer({ resyncMs: 300 });
    const resyncs: string[] = [];
    inf.on('update', (o, old) => {
      if (o === old) resyncs.push(o.metadata?.name ?? '');
    });
    await inf.start();
    await eventually('two resyncs', () =>
      resyncs.filter((n) => n === 'resynced').length >= 2 ? true : undefined,
    );
    expect(new Set(resyncs)).toEqual(new Set(inf.list().map((o) => o.metadata?.name)));
  });

  it('stops: no more events after stop(); a restart resumes and catches up', async () => {
    const inf = informer();
    const events = recording(inf);
    await inf.start();
    await inf.stop();
    const seen = events.length;
    const witness = informer();
    const witnessed = recording(witness);
    await witness.start();
    await client.create(CORE.configMap, configMap('after-stop', { v: '1' }));
    await eventually('the running informer to see it', () =>
      witnessed.includes('add after-stop') ? true : undefined,
    );
    expect(events).toHaveLength(seen);

    await inf.start();
    await eventually('the restarted informer to catch up', () =>
      inf.get({ namespace: ns, name: 'after-stop' }),
    );
    expect(events.slice(seen)).toEqual(['add after-stop']);
  });
});
