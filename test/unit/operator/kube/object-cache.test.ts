import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ObjectCache } from '../../../../operator/src/kube/object-cache.ts';

const cm = (name: string, rv: string, namespace = 'ns'): KubernetesObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, resourceVersion: rv },
});

const summary = (events: { type: string; obj: KubernetesObject }[]) =>
  events.map((e) => `${e.type} ${e.obj.metadata?.name}@${e.obj.metadata?.resourceVersion}`);

describe('ObjectCache', () => {
  it('reports an add, an update only when the resourceVersion moved, and a delete', () => {
    const cache = new ObjectCache();
    expect(cache.upsert(cm('a', '1'))?.type).toBe('add');
    expect(cache.upsert(cm('a', '1'))).toBeUndefined();
    const update = cache.upsert(cm('a', '2'));
    expect(update).toMatchObject({ type: 'update', old: { metadata: { resourceVersion: '1' } } });
    expect(cache.get({ namespace: 'ns', name: 'a' })?.metadata?.resourceVersion).toBe('2');
    expect(cache.remove(cm('a', '3'))?.type).toBe('delete');
    expect(cache.remove(cm('a', '3'))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('replaces its content with a relist: deletes what is gone, adds and updates the rest', () => {
    const cache = new ObjectCache();
    for (const o of [cm('kept', '1'), cm('changed', '1'), cm('gone', '1')]) cache.upsert(o);
    const events = cache.replace([cm('kept', '1'), cm('changed', '5'), cm('new', '6')]);
    expect(summary(events)).toEqual(['delete gone@1', 'update changed@5', 'add new@6']);
    expect(
      cache
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    ).toEqual(['changed', 'kept', 'new']);
  });

  it('lists one namespace or all', () => {
    const cache = new ObjectCache();
    cache.upsert(cm('a', '1', 'one'));
    cache.upsert(cm('a', '1', 'two'));
    expect(cache.list('one')).toHaveLength(1);
    expect(cache.list()).toHaveLength(2);
  });
});
