// A throwaway clickhouse-server (Debian 18.16) whose config, data and logs all live in its own
// directory (data in `dataDir` when given). It logs to the console, so the server log (and a
// failed start's error) has it.
import { mkdir, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { join } from 'node:path';
import { freePorts } from './free-port.ts';
import { findBinary, type Placement, startServer } from './server-process.ts';

export interface ClickHouseServer {
  /** HTTP interface on 127.0.0.1, for `@clickhouse/client`. */
  url: string;
  httpPort: number;
  tcpPort: number;
  pid: number;
  stop(): Promise<void>;
}

export interface ClickHouseOptions {
  /**
   * Keep the server's data (databases, tables, parts) in this directory instead of its own
   * directory, so a new server started on the same directory finds it (a restart). The caller
   * creates and removes it; `stop()` leaves it.
   */
  dataDir?: string;
  /** Listen on these ports instead of free ones (a restart keeps the URL clients were given). */
  httpPort?: number;
  tcpPort?: number;
  /** IPv4 addresses to listen on besides 127.0.0.1, e.g. a local cluster's bridge. */
  bind?: string[];
  /** Networks (CIDR) the `default` user may connect from besides 127.0.0.1, e.g. a pod network. */
  clients?: string[];
  /** Where the server's directory goes. @default a flotilla-clickhouse-* dir in os.tmpdir() */
  placement?: Placement;
}

export async function startClickHouse(options: ClickHouseOptions = {}): Promise<ClickHouseServer> {
  const binary = findBinary(
    'clickhouse-server',
    ['/usr/sbin', '/usr/bin'],
    'apt-get install -y clickhouse-server',
  );
  const server = await startServer({
    ...options.placement,
    name: 'clickhouse',
    binary,
    // Graceful shutdown takes ~1.5 s; the data is throwaway, so do not wait long for it.
    stopTimeoutMs: 5_000,
    async plan(dir) {
      const [freeHttp = 0, freeTcp = 0] = await freePorts(2);
      const httpPort = options.httpPort ?? freeHttp;
      const tcpPort = options.tcpPort ?? freeTcp;
      await writeConfig(dir, {
        httpPort,
        tcpPort,
        dataDir: options.dataDir ?? join(dir, 'data'),
        listen: ['127.0.0.1', ...(options.bind ?? [])],
        clients: ['127.0.0.1', ...(options.clients ?? [])],
      });
      return {
        args: [`--config-file=${join(dir, 'config.xml')}`],
        ports: [httpPort, tcpPort],
        isReady: () => pingClickHouse(httpPort),
        info: { httpPort, tcpPort },
      };
    },
  });
  const { httpPort, tcpPort } = server.info;
  const url = `http://127.0.0.1:${httpPort}`;
  return { url, httpPort, tcpPort, pid: server.pid, stop: server.stop };
}

/**
 * GET /ping on a connection of its own (agent: false closes it): a kept-alive connection from
 * fetch's pool would make the server's graceful shutdown wait ~5 s for it.
 */
function pingClickHouse(httpPort: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port: httpPort, path: '/ping', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'Ok.'));
      res.on('error', () => resolve(false));
    });
    req.setTimeout(1_000, () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

interface ConfigValues {
  httpPort: number;
  tcpPort: number;
  dataDir: string;
  listen: string[];
  clients: string[];
}

async function writeConfig(dir: string, c: ConfigValues): Promise<void> {
  for (const sub of ['tmp', 'user_files', 'format_schemas']) {
    await mkdir(join(dir, sub));
  }
  await mkdir(c.dataDir, { recursive: true });
  // Only the settings below are set. listen_host names IPv4 addresses only, so nothing binds ::1
  // or 0.0.0.0; with no interserver_http_port (only the packaged config sets 9009) no third port
  // is opened; the `default` user may connect from the listed networks only. The profile keeps
  // stock settings (no best_effort dates, no skipped unknown fields) so tests see what
  // production sees.
  const config = `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><console>1</console></logger>
${c.listen.map((host) => `  <listen_host>${host}</listen_host>`).join('\n')}
  <http_port>${c.httpPort}</http_port>
  <tcp_port>${c.tcpPort}</tcp_port>
  <path>${c.dataDir}/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
</yandex>
`;
  const users = `<?xml version="1.0"?>
<yandex>
  <profiles><default>
    <max_memory_usage>4000000000</max_memory_usage>
  </default></profiles>
  <users><default>
    <password></password>
    <networks>${c.clients.map((ip) => `<ip>${ip}</ip>`).join('')}</networks>
    <profile>default</profile><quota>default</quota>
  </default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
  </interval></default></quotas>
</yandex>
`;
  await writeFile(join(dir, 'config.xml'), config);
  await writeFile(join(dir, 'users.xml'), users);
}
