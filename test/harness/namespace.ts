// Each test file works in a namespace of its own on the shared cluster.
import { randomBytes } from 'node:crypto';
import { kubectlOk } from './kubectl.ts';

export async function createNamespace(kubeconfig: string, prefix: string): Promise<string> {
  const ns = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectlOk(kubeconfig, ['create', 'namespace', ns]);
  return ns;
}

export async function applyCrds(kubeconfig: string, crdsDir: string): Promise<void> {
  await kubectlOk(kubeconfig, ['apply', '--server-side', '--force-conflicts', '-f', crdsDir]);
  await kubectlOk(kubeconfig, [
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    '-f',
    crdsDir,
  ]);
}

/**
 * Deletes a test's namespace and waits until everything in it is gone, pods included, so no pod
 * is still terminating (holding its network namespace) when the cluster stops.
 */
export async function deleteNamespace(kubeconfig: string, ns: string): Promise<void> {
  await kubectlOk(kubeconfig, ['delete', 'namespace', ns, '--wait=true', '--timeout=120s']);
}
