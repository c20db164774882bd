// A throwaway redis-server for tests: the product's launcher in a flotilla-test-* temp dir.
import {
  type RedisServer,
  startRedis as startProductRedis,
} from '../../cli/local-up/servers/redis.ts';
import { HARNESS_PLACEMENT } from './server-process.ts';

export type { RedisServer };

/**
 * A throwaway redis-server on a free loopback port (and on `bind` addresses too, e.g. a local
 * cluster's bridge so pods reach it): no persistence, data dir in its temp dir.
 */
export function startRedis(options: { bind?: string[] } = {}): Promise<RedisServer> {
  return startProductRedis({ ...options, placement: HARNESS_PLACEMENT });
}
