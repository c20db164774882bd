import { appendFile } from 'node:fs/promises';
// Brings vitest's own declarations in, so `declare module 'vitest'` below augments them.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startClickHouse } from './clickhouse.ts';
import { startRedis } from './redis.ts';
import { reapStaleServers } from './server-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    clickhouseUrl: string;
  }
}

/**
 * One redis-server and one clickhouse-server for the whole integration run; tests isolate
 * themselves with their own key prefix or database. Returns the teardown that stops both.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const reaped = reapStaleServers();
  if (reaped.length > 0) console.warn(`killed test servers left by a crashed run: ${reaped}`);

  const [redis, clickhouse] = await Promise.allSettled([startRedis(), startClickHouse()]);
  if (redis.status === 'rejected' || clickhouse.status === 'rejected') {
    // Stop whichever one did start before failing the run.
    await Promise.all([redis, clickhouse].map((r) => r.status === 'fulfilled' && r.value.stop()));
    throw redis.status === 'rejected' ? redis.reason : (clickhouse as PromiseRejectedResult).reason;
  }
  // Read by test/integration/no-leftover-servers.test.ts, which checks these pids die.
  const pidsFile = process.env.FLOTILLA_TEST_PIDS_FILE;
  if (pidsFile) await appendFile(pidsFile, `${redis.value.pid}\n${clickhouse.value.pid}\n`);

  project.provide('redisUrl', redis.value.url);
  project.provide('clickhouseUrl', clickhouse.value.url);
  return async () => {
    await Promise.all([redis.value.stop(), clickhouse.value.stop()]);
  };
}
