// A real local Kubernetes cluster (local/kube) for tests: `kube up` in a flotilla-test-* temp
// dir, ready when it says so (API server /readyz and node Ready), stopped with SIGTERM.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeUpArgs, REPO_ROOT } from '../../cli/local-kube.ts';
import { clusterConfig } from '../../cli/local-up/servers/local-cluster.ts';
import { startServer } from './server-process.ts';

export const KUBE_BIN = join(REPO_ROOT, 'local/kube/bin/kube');

export interface LocalCluster {
  dir: string;
  kubeconfig: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startLocalCluster(): Promise<LocalCluster> {
  if (!existsSync(KUBE_BIN)) throw new Error(`${KUBE_BIN} is not built: run \`make kube\``);
  const server = await startServer({
    name: 'cluster',
    binary: KUBE_BIN,
    readyTimeoutMs: 240_000,
    stopTimeoutMs: 60_000,
    attempts: 1,
    async plan(dir) {
      const clusterDir = join(dir, 'cluster');
      return {
        args: kubeUpArgs(clusterDir),
        ports: [],
        // `kube up` prints this line once the API server is ready and the node is Ready.
        isReady: async () =>
          readFileSync(join(dir, 'server.log'), 'utf8').includes('cluster ready:'),
        info: { clusterDir },
      };
    },
  });
  const dir = server.info.clusterDir;
  return { dir, kubeconfig: join(dir, 'kubeconfig'), pid: server.pid, stop: server.stop };
}

/** The node bridge's address: how pods reach servers on the host (their loopback is their own). */
export function bridgeIP(clusterDir: string): string {
  return clusterConfig(clusterDir).bridgeIP;
}
