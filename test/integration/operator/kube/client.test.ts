// The JSON client against the real API server: paging, misses, and errors that say what failed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { KubeClient } from '../../../../operator/src/kube/client.ts';
import { loadKubeConfig } from '../../../../operator/src/kube/config.ts';
import { KubeApiError } from '../../../../operator/src/kube/errors.ts';
import { CORE } from '../../../../operator/src/kube/resource-type.ts';
import { KUBECTL } from '../../../harness/kubectl.ts';
import { createNamespace } from '../../../harness/namespace.ts';
import { kubeConfig } from './helpers.ts';

const kubeconfig = inject('kubeconfig');
const client = new KubeClient(kubeConfig(kubeconfig));
let ns: string;

beforeAll(async () => {
  ns = await createNamespace(kubeconfig, 'client');
  for (let i = 0; i < 5; i++)
    await client.create(CORE.configMap, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `page-${i}`, namespace: ns, labels: { paged: 'yes' } },
    });
});

describe('KubeClient', () => {
  it('follows continue tokens until every page is read, and gives items their kind', async () => {
    const { items, resourceVersion } = await client.list(CORE.configMap, {
      namespace: ns,
      labelSelector: 'paged=yes',
      pageSize: 2,
    });
    expect(items.map((i) => i.metadata?.name).sort()).toEqual([
      'page-0',
      'page-1',
      'page-2',
      'page-3',
      'page-4',
    ]);
    expect(items.every((i) => i.kind === 'ConfigMap' && i.apiVersion === 'v1')).toBe(true);
    expect(Number(resourceVersion)).toBeGreaterThan(0);
  });

  it('reads a missing object as undefined', async () => {
    expect(await client.get(CORE.configMap, { namespace: ns, name: 'absent' })).toBeUndefined();
  });

  it('fails with FLT_KUBE_API, the status and the server reason', async () => {
    const err = await client
      .create(CORE.configMap, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'page-0', namespace: ns },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({ code: 'FLT_KUBE_API', status: 409, reason: 'AlreadyExists' });
    expect((err as Error).message).toContain(`POST /api/v1/namespaces/${ns}/configmaps`);
  });

  it('reports an unreachable server as status 0 with the cause', async () => {
    const unreachable = new KubeClient(kubeConfig(kubeconfig, 'https://127.0.0.1:1'));
    const err = await unreachable
      .get(CORE.configMap, { namespace: ns, name: 'x' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FLT_KUBE_API', status: 0 });
    expect((err as Error).cause).toBeDefined();
  });

  it('talks to a plain-http server (kubectl proxy) through loadKubeConfig', async () => {
    const proxy = spawn(KUBECTL, ['--kubeconfig', kubeconfig, 'proxy', '--port=0']);
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-http-kubeconfig-'));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        proxy.stdout.on('data', (d: Buffer) => {
          const m = /Starting to serve on (\S+)/.exec(String(d));
          if (m?.[1]) resolve(`http://${m[1]}`);
        });
        proxy.on('exit', (code) => reject(new Error(`kubectl proxy exited (${code})`)));
      });
      const file = join(dir, 'kubeconfig');
      writeFileSync(
        file,
        `apiVersion: v1\nkind: Config\nclusters: [{ name: p, cluster: { server: "${url}" } }]\nusers: [{ name: u, user: {} }]\ncontexts: [{ name: p, context: { cluster: p, user: u } }]\ncurrent-context: p\n`,
      );
      const viaProxy = new KubeClient(loadKubeConfig({ kubeconfig: file }));
      expect(
        (await viaProxy.get(CORE.configMap, { namespace: ns, name: 'page-0' }))?.metadata?.name,
      ).toBe('page-0');
    } finally {
      proxy.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
