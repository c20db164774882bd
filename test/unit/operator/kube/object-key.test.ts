import { describe, expect, it } from 'vitest';
import { formatKey, keyOf, parseKey } from '../../../../operator/src/kube/object-key.ts';
import {
  CORE,
  collectionPath,
  FLOTILLA,
  knownResourceType,
  objectPath,
} from '../../../../operator/src/kube/resource-type.ts';

describe('object keys', () => {
  it.each([
    [{ namespace: 'ns', name: 'a' }, 'ns/a'],
    [{ name: 'cluster-wide' }, 'cluster-wide'],
  ])('%j <-> %s', (key, text) => {
    expect(formatKey(key)).toBe(text);
    expect(parseKey(text)).toEqual(key);
  });

  it.each(['', 'a/b/c', '/a', 'a/'])('rejects %j', (text) => {
    expect(() => parseKey(text)).toThrow(/not an object key/);
  });

  it('keys an object by its metadata', () => {
    expect(keyOf({ metadata: { name: 'a', namespace: 'ns' } })).toEqual({
      namespace: 'ns',
      name: 'a',
    });
    expect(() => keyOf({ kind: 'ConfigMap', metadata: {} })).toThrow(
      /ConfigMap without metadata.name/,
    );
  });
});

describe('REST paths', () => {
  it.each([
    [collectionPath(CORE.configMap, 'ns'), '/api/v1/namespaces/ns/configmaps'],
    [collectionPath(CORE.configMap), '/api/v1/configmaps'],
    [collectionPath(CORE.namespace, 'ignored'), '/api/v1/namespaces'],
    [
      objectPath(CORE.statefulSet, { namespace: 'ns', name: 'runner' }),
      '/apis/apps/v1/namespaces/ns/statefulsets/runner',
    ],
    [
      objectPath(FLOTILLA.strategy, { namespace: 'ns', name: 's' }, 'status'),
      '/apis/flotilla.dev/v1alpha1/namespaces/ns/strategies/s/status',
    ],
  ])('%s', (path, want) => {
    expect(path).toBe(want);
  });

  it('refuses a namespaced key without a namespace', () => {
    expect(() => objectPath(CORE.lease, { name: 'x' })).toThrow(/needs a namespace/);
  });

  it('finds known types by apiVersion and kind', () => {
    expect(knownResourceType('policy/v1', 'PodDisruptionBudget')).toBe(CORE.podDisruptionBudget);
    expect(knownResourceType('flotilla.dev/v1alpha1', 'Model')).toBe(FLOTILLA.model);
    expect(knownResourceType('v1', 'Model')).toBeUndefined();
  });
});
