// The servers of a local run: the cluster in the run's directory, then redis-server and
// clickhouse-server listening on loopback and on the node bridge (where pods reach the host).
// Each server's own directory (config, data, log) and pid record sit under D/local-up/, so a
// later run in the same directory reaps servers a crashed run left behind.
import { join } from 'node:path';
import { type ClickHouseServer, startClickHouse } from './servers/clickhouse.ts';
import { type LocalCluster, startLocalCluster } from './servers/local-cluster.ts';
import { reapStaleServers } from './servers/pid-records.ts';
import { type RedisServer, startRedis } from './servers/redis.ts';
import type { Placement } from './servers/server-process.ts';

export interface Servers {
  cluster: LocalCluster;
  redis: RedisServer;
  clickhouse: ClickHouseServer;
  /** URLs as pods reach them: at the bridge address. */
  podRedisUrl: string;
  podClickHouseUrl: string;
}

const pidsDirIn = (dir: string) => join(dir, 'local-up', 'pids');

export function placementIn(dir: string): Placement {
  return {
    parentDir: join(dir, 'local-up'),
    dirPrefix: '',
    pidsDir: pidsDirIn(dir),
    ownProcessGroup: true,
  };
}

/** Pids of servers a dead earlier run in `dir` left behind, now killed. */
export function reapLeftovers(dir: string): number[] {
  return reapStaleServers(pidsDirIn(dir));
}

/**
 * Starts the three servers; `started` gets each as soon as it runs, so the caller can stop
 * whatever did start when a later one fails.
 */
export async function startServers(
  dir: string,
  started: (stop: () => Promise<void>, name: string) => void,
  log: (line: string) => void,
): Promise<Servers> {
  const placement = placementIn(dir);
  log(`Starting the local cluster in ${dir} ...`);
  const cluster = await startLocalCluster(dir, placement);
  started(cluster.stop, 'the local cluster');
  log(
    `Starting redis-server and clickhouse-server (reachable from pods at ${cluster.bridgeIP}) ...`,
  );
  const [redis, clickhouse] = await Promise.allSettled([
    startRedis({ bind: [cluster.bridgeIP], placement }),
    startClickHouse({ bind: [cluster.bridgeIP], clients: [cluster.podCIDR], placement }),
  ]);
  if (redis.status === 'fulfilled') started(redis.value.stop, 'redis-server');
  if (clickhouse.status === 'fulfilled') started(clickhouse.value.stop, 'clickhouse-server');
  if (redis.status === 'rejected') throw redis.reason;
  if (clickhouse.status === 'rejected') throw clickhouse.reason;
  return {
    cluster,
    redis: redis.value,
    clickhouse: clickhouse.value,
    podRedisUrl: `redis://${cluster.bridgeIP}:${redis.value.port}`,
    podClickHouseUrl: `http://${cluster.bridgeIP}:${clickhouse.value.httpPort}`,
  };
}
