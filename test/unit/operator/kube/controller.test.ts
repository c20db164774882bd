import type { KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Controller, type Reconciler } from '../../../../operator/src/kube/controller.ts';
import { ControllerMetrics } from '../../../../operator/src/kube/metrics.ts';
import { formatKey, type ObjectKey } from '../../../../operator/src/kube/object-key.ts';
import { configMap, FakeInformer } from './fake-informer.ts';

const logger = pino({ level: 'silent' });

/** Differences between consecutive times. */
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] ?? 0));

async function metric(registry: Registry, name: string, labels: Record<string, string>) {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  const v = m?.values.find((x) =>
    Object.entries(labels).every(([k, val]) => (x.labels as Record<string, unknown>)[k] === val),
  );
  return v?.value ?? 0;
}

function setup(reconcile: Reconciler, workers = 1) {
  const registry = new Registry();
  const informer = new FakeInformer();
  const controller = new Controller({
    name: 'test',
    reconcile,
    workers,
    logger,
    metrics: new ControllerMetrics(registry),
  }).watch(informer);
  return { registry, informer, controller };
}

describe('Controller', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('retries a failing key with growing backoff until it succeeds, then forgets it', async () => {
    const calls: number[] = [];
    let failures = 2;
    const { registry, informer, controller } = setup(async () => {
      calls.push(Date.now());
      if (failures-- > 0) throw new Error('API hiccup');
      return undefined;
    });
    controller.start();
    informer.put(configMap('a'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(3);
    expect(gaps(calls)).toEqual([5, 10]);
    expect(await metric(registry, 'flotilla_operator_reconcile_total', { result: 'error' })).toBe(
      2,
    );
    expect(await metric(registry, 'flotilla_operator_reconcile_total', { result: 'success' })).toBe(
      1,
    );
    expect(await metric(registry, 'flotilla_operator_workqueue_retries_total', {})).toBe(2);
    // Forgotten: the next failure starts at the base delay again.
    failures = 1;
    informer.put(configMap('a', { resourceVersion: '2' }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(gaps(calls)[3]).toBe(5);
    await controller.stop();
  });

  it('reconciles again after requeueAfterMs', async () => {
    const calls: number[] = [];
    const { registry, informer, controller } = setup(async () => {
      calls.push(Date.now());
      return { requeueAfterMs: 30_000 };
    });
    controller.start();
    informer.put(configMap('a'));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    expect(await metric(registry, 'flotilla_operator_reconcile_total', { result: 'requeue' })).toBe(
      2,
    );
    await controller.stop();
  });

  it('never reconciles one key on two workers at once, and runs it again if it changed meanwhile', async () => {
    let running = 0;
    let maxRunning = 0;
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { informer, controller } = setup(async (key) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      seen.push(formatKey(key));
      await gate;
      running--;
      return undefined;
    }, 4);
    controller.start();
    informer.put(configMap('a'));
    await vi.advanceTimersByTimeAsync(0);
    informer.put(configMap('a', { resourceVersion: '2' }));
    informer.put(configMap('a', { resourceVersion: '3' }));
    informer.put(configMap('b'));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['ns/a', 'ns/b']);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['ns/a', 'ns/b', 'ns/a']);
    expect(maxRunning).toBe(2);
    await controller.stop();
  });

  it('stop() waits for the reconcile in flight and takes no new key', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    const { informer, controller } = setup(async (key) => {
      seen.push(formatKey(key));
      await gate;
      return undefined;
    });
    controller.start();
    informer.put(configMap('a'));
    informer.put(configMap('b'));
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = controller.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(seen).toEqual(['ns/a']);
  });

  it('start() reconciles what the informer cached before, and keeps reconciling after a restart', async () => {
    const seen: string[] = [];
    const { informer, controller } = setup(async (key) => {
      seen.push(formatKey(key));
      return undefined;
    });
    informer.put(configMap('early'));
    controller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['ns/early']);
    await controller.stop();
    controller.start();
    informer.put(configMap('late'));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['ns/early', 'ns/early', 'ns/late']);
    await controller.stop();
  });

  it('maps owned objects to their controlling owner only', async () => {
    const seen: string[] = [];
    const owned = new FakeInformer();
    const controller = new Controller({
      name: 'owners',
      logger,
      reconcile: async (key) => {
        seen.push(formatKey(key));
        return undefined;
      },
    }).watchOwned(owned, { kind: 'Strategy', apiVersion: 'flotilla.dev/v1alpha1' });
    controller.start();
    const ref = (kind: string, apiVersion: string, name: string, isController: boolean) => ({
      kind,
      apiVersion,
      name,
      uid: name,
      controller: isController,
    });
    owned.put(
      configMap('child-1', {
        ownerReferences: [ref('Strategy', 'flotilla.dev/v1beta1', 'momentum', true)],
      }),
    );
    owned.put(
      configMap('child-2', {
        ownerReferences: [ref('Strategy', 'flotilla.dev/v1alpha1', 'watcher', false)],
      }),
    );
    owned.put(
      configMap('child-3', { ownerReferences: [ref('Strategy', 'other.dev/v1', 'foreign', true)] }),
    );
    owned.put(configMap('child-4'));
    owned.remove(
      configMap('child-5', {
        ownerReferences: [ref('Strategy', 'flotilla.dev/v1alpha1', 'gone', true)],
      }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['ns/momentum', 'ns/gone']);
    await controller.stop();
  });

  it('on update enqueues the keys of both the old and the new object', async () => {
    const seen: string[] = [];
    const informer = new FakeInformer();
    const byLabel = (o: KubernetesObject): ObjectKey[] => {
      const owner = o.metadata?.labels?.owner;
      return owner ? [{ namespace: 'ns', name: owner }] : [];
    };
    const controller = new Controller({
      name: 'mapped',
      logger,
      reconcile: async (key) => {
        seen.push(formatKey(key));
        return undefined;
      },
    }).watch(informer, byLabel);
    informer.put(configMap('m', { labels: { owner: 'first' } }));
    controller.start();
    await vi.advanceTimersByTimeAsync(0);
    informer.put(configMap('m', { labels: { owner: 'second' } }));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.sort()).toEqual(['ns/first', 'ns/first', 'ns/second']);
    await controller.stop();
  });

  it('reports the queue depth at scrape time', async () => {
    const registry = new Registry();
    const metrics = new ControllerMetrics(registry);
    const informer = new FakeInformer();
    const controller = new Controller({
      name: 'depth',
      logger,
      metrics,
      reconcile: () => new Promise(() => {}), // never finishes: keys pile up behind the first
    }).watch(informer);
    controller.start();
    for (const name of ['a', 'b', 'c']) informer.put(configMap(name));
    await vi.advanceTimersByTimeAsync(0);
    expect(
      await metric(registry, 'flotilla_operator_workqueue_depth', { controller: 'depth' }),
    ).toBe(2);
  });
});
