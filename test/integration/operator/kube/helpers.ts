// Shared by the controller-layer integration tests: a client-node KubeConfig for the test
// cluster, a silent logger, the API server's audit log, and a TCP proxy whose connections a
// test can cut.
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';

export const silent = pino({ level: 'silent' });

export function kubeConfig(kubeconfigPath: string, server?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  if (server) kc.clusters = kc.clusters.map((c) => ({ ...c, server }));
  return kc;
}

/** Write requests (create, update, patch, delete) the API server audited for one object. */
export function auditedWrites(clusterDir: string, namespace: string, name: string): string[] {
  return readFileSync(join(clusterDir, 'audit.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(
      (l) => JSON.parse(l) as { verb: string; objectRef?: { namespace?: string; name?: string } },
    )
    .filter((e) => e.objectRef?.namespace === namespace && e.objectRef?.name === name)
    .map((e) => e.verb);
}

/** Forwards TCP to `target`; cut() destroys every open connection, refuse() turns new ones away. */
export class TcpProxy {
  connections = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #refusing = false;

  private constructor(target: URL) {
    this.#server = createServer((client) => {
      if (this.#refusing) {
        client.destroy();
        return;
      }
      this.connections++;
      const upstream = connect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  static async start(target: string): Promise<TcpProxy & { url: string }> {
    const proxy = new TcpProxy(new URL(target));
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    const port = (proxy.#server.address() as { port: number }).port;
    return Object.assign(proxy, { url: `https://127.0.0.1:${port}` });
  }

  cut(): void {
    for (const s of this.#sockets) s.destroy();
  }

  refuse(on: boolean): void {
    this.#refusing = on;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
