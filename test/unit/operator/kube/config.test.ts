import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../../../operator/src/kube/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfigFile(server: string): string {
  const path = join(dir, `${encodeURIComponent(server)}.yaml`);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${server}" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
  );
  return path;
}

describe('loadKubeConfig', () => {
  it('uses an explicit kubeconfig file first', () => {
    const kc = loadKubeConfig({ kubeconfig: kubeconfigFile('https://10.1.2.3:6443') });
    expect(kc.getCurrentCluster()?.server).toBe('https://10.1.2.3:6443');
  });

  it('lets client-node talk to a plain-http server (it would refuse without skipTLSVerify)', () => {
    const kc = loadKubeConfig({ kubeconfig: kubeconfigFile('http://127.0.0.1:8001') });
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(true);
  });

  it('prefers the in-cluster service account when running in a pod', () => {
    const token = join(dir, 'token');
    writeFileSync(token, 'secret');
    const kc = loadKubeConfig({
      env: {
        KUBERNETES_SERVICE_HOST: '10.96.0.1',
        KUBERNETES_SERVICE_PORT: '443',
        KUBECONFIG: 'ignored',
      },
      tokenPath: token,
    });
    expect(kc.getCurrentCluster()?.name).toBe('inCluster');
  });

  it('names the fix when the file is unusable', () => {
    expect(() => loadKubeConfig({ kubeconfig: join(dir, 'missing.yaml') })).toThrow(
      expect.objectContaining({ code: 'FLT_KUBE_CONFIG' }),
    );
  });
});
