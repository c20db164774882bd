// A throwaway Prometheus server (Debian's `prometheus`) for tests: scrapes `targets` every
// second, keeps its data in its flotilla-test-* temp dir, listens on a free loopback port.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from '../../cli/local-up/servers/free-port.ts';
import { findBinary, startServer } from './server-process.ts';

export interface PrometheusServer {
  url: string;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: string[] = []): Promise<PrometheusServer> {
  const binary = findBinary('prometheus', ['/usr/bin'], 'apt-get install -y prometheus');
  const server = await startServer({
    name: 'prometheus',
    binary,
    stopTimeoutMs: 10_000,
    async plan(dir) {
      const [port = 0] = await freePorts(1);
      const config = join(dir, 'prometheus.yml');
      writeFileSync(
        config,
        JSON.stringify({
          global: { scrape_interval: '1s', evaluation_interval: '1s' },
          scrape_configs: [{ job_name: 'flotilla', static_configs: [{ targets }] }],
        }),
      );
      return {
        args: [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--log.level=warn',
        ],
        ports: [port],
        isReady: async () => {
          try {
            return (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok;
          } catch {
            return false;
          }
        },
        info: { port },
      };
    },
  });
  return { url: `http://127.0.0.1:${server.info.port}`, stop: server.stop };
}
