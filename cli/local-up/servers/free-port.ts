// Free loopback ports for the servers local up starts, and the /proc check that a port is
// really held by the server started on it (not by another process that took it first).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/**
 * Returns `count` distinct free ports on 127.0.0.1. All listeners stay open until every port is
 * known, so two calls in a row cannot hand out the same port. A port can still be taken between
 * close and the server binding it; `startServer` retries on a fresh port when that happens.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(await listenOnAnyPort(server));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('freePorts(1) returned no port');
  return port;
}

function listenOnAnyPort(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`unexpected listen address ${String(address)}`));
      } else {
        resolve(address.port);
      }
    });
  });
}

/**
 * True when process `pid` holds a socket listening on 127.0.0.1:`port` (Linux /proc). A readiness
 * probe alone cannot tell our server from another process that took the port first.
 */
export function ownsListeningPort(pid: number, port: number): boolean {
  const wanted = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  try {
    for (const line of readFileSync(`/proc/${pid}/net/tcp`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols: sl, local_address, rem_address, st (0A = LISTEN), ..., inode at index 9
      if (cols[1] === wanted && cols[3] === '0A' && cols[9] !== undefined) inodes.add(cols[9]);
    }
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      const target = readlinkOrEmpty(`/proc/${pid}/fd/${fd}`);
      return inodes.has(target.slice('socket:['.length, -1)) && target.startsWith('socket:[');
    });
  } catch {
    return false; // the process is gone
  }
}

function readlinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}
