// applyIfChanged against the real API server: one write, then none (resourceVersion and the
// audit log agree), hand edits reverted, fields we stop setting removed.
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  applyIfChanged,
  deleteIfExists,
  FIELD_MANAGER,
} from '../../../../operator/src/kube/apply.ts';
import { APPLIED_HASH_ANNOTATION } from '../../../../operator/src/kube/apply-decision.ts';
import { KubeClient } from '../../../../operator/src/kube/client.ts';
import { CORE } from '../../../../operator/src/kube/resource-type.ts';
import { kubectlOk } from '../../../harness/kubectl.ts';
import { createNamespace } from '../../../harness/namespace.ts';
import { auditedWrites, kubeConfig } from './helpers.ts';

const kubeconfig = inject('kubeconfig');
const clusterDir = inject('clusterDir');
const kc = kubeConfig(kubeconfig);
const client = new KubeClient(kc);
let ns: string;

beforeAll(async () => {
  ns = await createNamespace(kubeconfig, 'apply');
});

function desired(name: string, data: Record<string, string>): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'flotilla' } },
    data,
  };
}

const read = (name: string) => client.get<V1ConfigMap>(CORE.configMap, { namespace: ns, name });

describe('applyIfChanged', () => {
  it('writes a missing object once, then makes zero writes while it is converged', async () => {
    const want = desired('shard-0', { config: '{"shard":0}' });
    const first = await applyIfChanged(kc, want, undefined);
    expect(first).toMatchObject({ written: true, reason: 'missing' });
    expect(first.object.metadata?.annotations?.[APPLIED_HASH_ANNOTATION]).toMatch(/^[0-9a-f]{32}$/);
    expect(first.object.metadata?.managedFields?.map((f) => f.manager)).toContain(FIELD_MANAGER);

    const live = await read('shard-0');
    for (let i = 0; i < 3; i++) {
      const again = await applyIfChanged(kc, desired('shard-0', { config: '{"shard":0}' }), live);
      expect(again.written).toBe(false);
    }
    expect((await read('shard-0'))?.metadata?.resourceVersion).toBe(
      live?.metadata?.resourceVersion,
    );
    expect(auditedWrites(clusterDir, ns, 'shard-0')).toEqual(['patch']);
  });

  it('reverts a hand edit of a field it owns and leaves fields others own alone', async () => {
    const want = desired('edited', { mode: 'live', limit: '5' });
    await applyIfChanged(kc, want, undefined);
    await kubectlOk(kubeconfig, [
      '-n',
      ns,
      'patch',
      'configmap',
      'edited',
      '--type=merge',
      '-p',
      '{"data":{"mode":"paper"},"metadata":{"labels":{"owner":"sre"}}}',
    ]);
    const edited = await read('edited');
    expect(edited?.data?.mode).toBe('paper');

    const outcome = await applyIfChanged(kc, want, edited);
    expect(outcome).toMatchObject({ written: true, reason: 'drifted', path: 'data.mode' });
    const after = await read('edited');
    expect(after?.data).toEqual({ mode: 'live', limit: '5' });
    expect(after?.metadata?.labels?.owner).toBe('sre');
    expect((await applyIfChanged(kc, want, after)).written).toBe(false);
  });

  it('applies a change of desired state and removes the fields it no longer sets', async () => {
    await applyIfChanged(kc, desired('changing', { a: '1', b: '2' }), undefined);
    const outcome = await applyIfChanged(
      kc,
      desired('changing', { a: '1' }),
      await read('changing'),
    );
    expect(outcome).toMatchObject({ written: true, reason: 'changed' });
    expect((await read('changing'))?.data).toEqual({ a: '1' });
  });

  it('finds the REST path of a Kind it does not know through discovery', async () => {
    const role: KubernetesObject & { rules: unknown[] } = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'reader', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    };
    expect((await applyIfChanged(kc, role, undefined)).written).toBe(true);
    expect(
      await kubectlOk(kubeconfig, ['-n', ns, 'get', 'role', 'reader', '-o', 'name']),
    ).toContain('reader');
  });
});

describe('deleteIfExists', () => {
  it('deletes once and reports a missing object as nothing to do', async () => {
    await applyIfChanged(kc, desired('doomed', { a: '1' }), undefined);
    expect(await deleteIfExists(kc, CORE.configMap, { namespace: ns, name: 'doomed' })).toBe(true);
    expect(await deleteIfExists(kc, CORE.configMap, { namespace: ns, name: 'doomed' })).toBe(false);
    expect(await read('doomed')).toBeUndefined();
  });
});
