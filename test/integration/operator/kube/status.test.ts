// patchStatus on a custom resource: writes through /status only when the status changed.
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../../../cli/local-kube.ts';
import type { ModelStatus } from '../../../../operator/src/api/v1alpha1/model.ts';
import { KubeClient } from '../../../../operator/src/kube/client.ts';
import { FLOTILLA } from '../../../../operator/src/kube/resource-type.ts';
import { patchStatus, setCondition } from '../../../../operator/src/kube/status.ts';
import { model } from '../../../fixtures/objects.ts';
import { applyCrds, createNamespace } from '../../../harness/namespace.ts';
import { auditedWrites, kubeConfig } from './helpers.ts';

const kubeconfig = inject('kubeconfig');
const clusterDir = inject('clusterDir');
const kc = kubeConfig(kubeconfig);
const client = new KubeClient(kc);
let ns: string;

type Model = KubernetesObject & { spec: Record<string, unknown>; status?: ModelStatus };

beforeAll(async () => {
  await applyCrds(kubeconfig, join(REPO_ROOT, 'crds'));
  ns = await createNamespace(kubeconfig, 'status');
});

const read = async (name: string) => {
  const m = await client.get<Model>(FLOTILLA.model, { namespace: ns, name });
  if (!m) throw new Error(`Model ${name} is gone`);
  return m;
};

describe('patchStatus', () => {
  it('writes a changed status through /status, and nothing when it is unchanged', async () => {
    const created = await client.create<Model>(FLOTILLA.model, {
      ...model(),
      metadata: { name: 'direction-lr', namespace: ns },
    });
    const now = new Date();
    const ready = setCondition(
      undefined,
      { type: 'Ready', status: 'True', reason: 'Verified', message: 'sha256 matches' },
      created.metadata?.generation ?? 0,
      now,
    );
    const status: ModelStatus = {
      observedGeneration: 1,
      conditions: ready,
      digest: 'a'.repeat(64),
      sizeBytes: 10,
    };
    expect(await patchStatus(kc, FLOTILLA.model, created, status)).toBe(true);

    const written = await read('direction-lr');
    expect(written.status).toEqual(status);
    expect(written.metadata?.generation).toBe(created.metadata?.generation); // spec untouched

    // The same status, recomputed later (same condition, new clock): no write at all.
    const again = setCondition(
      written.status?.conditions,
      { type: 'Ready', status: 'True', reason: 'Verified', message: 'sha256 matches' },
      1,
      new Date(now.getTime() + 60_000),
    );
    expect(await patchStatus(kc, FLOTILLA.model, written, { ...status, conditions: again })).toBe(
      false,
    );
    expect((await read('direction-lr')).metadata?.resourceVersion).toBe(
      written.metadata?.resourceVersion,
    );
    expect(auditedWrites(clusterDir, ns, 'direction-lr')).toEqual(['create', 'patch']);
  });

  it('removes the fields the new status drops', async () => {
    const created = await client.create<Model>(FLOTILLA.model, {
      ...model(),
      metadata: { name: 'shrinking', namespace: ns },
    });
    await patchStatus(kc, FLOTILLA.model, created, { digest: 'b'.repeat(64), sizeBytes: 5 });
    const full = await read('shrinking');
    expect(await patchStatus(kc, FLOTILLA.model, full, { digest: 'b'.repeat(64) })).toBe(true);
    expect((await read('shrinking')).status).toEqual({ digest: 'b'.repeat(64) });
  });
});
