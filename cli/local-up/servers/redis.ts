// A throwaway redis-server: no persistence, data in its own directory, on a free loopback port
// (and on `bind` addresses too, e.g. a local cluster's bridge so pods reach it).
import { connect } from 'node:net';
import { freePorts } from './free-port.ts';
import { findBinary, type Placement, startServer } from './server-process.ts';

export interface RedisServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** Addresses to listen on besides 127.0.0.1. @default none */
  bind?: string[];
  /** Where the server's directory goes. @default a flotilla-redis-* dir in os.tmpdir() */
  placement?: Placement;
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const bind = ['127.0.0.1', ...(options.bind ?? [])].join(' ');
  const binary = findBinary('redis-server', ['/usr/bin'], 'apt-get install -y redis-server');
  const server = await startServer({
    ...options.placement,
    name: 'redis',
    binary,
    stopTimeoutMs: 5_000,
    async plan(dir) {
      const [port = 0] = await freePorts(1);
      return {
        // --set-proc-title no keeps argv (and so the directory) visible in /proc/<pid>/cmdline,
        // where leftover checks look.
        args: [
          ...['--port', String(port), '--bind', bind, '--dir', dir],
          ...['--save', '', '--appendonly', 'no', '--set-proc-title', 'no'],
          // Protected mode refuses clients from non-loopback addresses when there is no password;
          // the extra addresses are private bridges of a local cluster.
          ...(options.bind?.length ? ['--protected-mode', 'no'] : []),
        ],
        ports: [port],
        isReady: () => pingRedis(port),
        info: { port },
      };
    },
  });
  const { port } = server.info;
  return { url: `redis://127.0.0.1:${port}`, port, pid: server.pid, stop: server.stop };
}

/** PING over a raw socket: true on +PONG (a loading server answers -LOADING instead). */
function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}
