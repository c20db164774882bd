// helm and @kubernetes/client-node use the local cluster's kubeconfig unchanged.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { kubectlOk } from '../../harness/kubectl.ts';
import { createNamespace } from '../../harness/namespace.ts';

const run = promisify(execFile);
const kubeconfig = inject('kubeconfig');
const helm = join(REPO_ROOT, 'local/kube/bin/helm');
const scratch = mkdtempSync(join(tmpdir(), 'flotilla-helm-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('clients of the local cluster', () => {
  it('@kubernetes/client-node reads the node through the kubeconfig', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const node = await kc.makeApiClient(CoreV1Api).readNode({ name: 'flotilla-local' });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(Number(node.status?.capacity?.cpu)).toBeGreaterThan(0);
  });

  it('helm installs, lists and uninstalls a release', async () => {
    const ns = await createNamespace(kubeconfig, 'helm');
    const chart = join(scratch, 'tiny');
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'values.yaml'), 'greeting: hello\n');
    writeFileSync(
      join(chart, 'templates/configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
    );
    const env = {
      ...process.env,
      KUBECONFIG: kubeconfig,
      HELM_CACHE_HOME: join(scratch, 'cache'),
      HELM_CONFIG_HOME: join(scratch, 'config'),
      HELM_DATA_HOME: join(scratch, 'data'),
    };
    await run(helm, ['install', 'tiny', chart, '-n', ns, '--set', 'greeting=hi', '--wait'], {
      env,
    });
    expect(
      await kubectlOk(kubeconfig, [
        '-n',
        ns,
        'get',
        'configmap',
        'tiny-config',
        '-o',
        'jsonpath={.data.greeting}',
      ]),
    ).toBe('hi');
    expect((await run(helm, ['list', '-n', ns, '-o', 'json'], { env })).stdout).toContain(
      '"status":"deployed"',
    );
    await run(helm, ['uninstall', 'tiny', '-n', ns, '--wait'], { env });
    expect(
      await kubectlOk(kubeconfig, ['-n', ns, 'get', 'configmaps', '-o', 'name']),
    ).not.toContain('tiny-config');
  });
});
