// The local Kubernetes cluster (local/kube `kube up`) in a given directory, as a server: ready
// once it prints "cluster ready:" and its bridge is up, stopped with SIGTERM (which stops its
// pods too).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { kubeBinary, kubeUpArgs } from '../../local-kube.ts';
import { type Placement, startServer } from './server-process.ts';

export interface LocalCluster {
  dir: string;
  kubeconfig: string;
  /** The node bridge's address: how pods reach servers on the host (their loopback is their own). */
  bridgeIP: string;
  /** The pod network, e.g. 10.244.7.0/24: where pods connect from. */
  podCIDR: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startLocalCluster(
  dir: string,
  placement: Placement = {},
): Promise<LocalCluster> {
  const server = await startServer({
    ...placement,
    name: 'cluster',
    binary: kubeBinary(),
    // A new directory takes ~10 s on an idle machine (certificates, then the node Ready).
    readyTimeoutMs: 240_000,
    // The node agent gives each pod its termination grace period.
    stopTimeoutMs: 60_000,
    attempts: 1,
    async plan(own) {
      return {
        args: kubeUpArgs(dir),
        ports: [],
        // On a directory used before, the node may count as Ready before the agent has put the
        // bridge back; servers for the pods bind its address, so wait for that too.
        isReady: async () =>
          readFileSync(join(own, 'server.log'), 'utf8').includes('cluster ready:') &&
          canListenOn(clusterConfig(dir).bridgeIP),
        info: {},
      };
    },
  });
  const { bridgeIP, podCIDR } = clusterConfig(dir);
  return {
    dir,
    kubeconfig: join(dir, 'kubeconfig'),
    bridgeIP,
    podCIDR,
    pid: server.pid,
    stop: server.stop,
  };
}

/** What `kube up` chose for the directory (D/cluster.json). */
export function clusterConfig(dir: string): { bridgeIP: string; podCIDR: string } {
  return JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as {
    bridgeIP: string;
    podCIDR: string;
  };
}

/** Whether a socket can listen on `host` (any port): false until the address exists. */
function canListenOn(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port: 0 }, () => server.close(() => resolve(true)));
  });
}
