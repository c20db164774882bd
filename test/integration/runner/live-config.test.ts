// A runner watching its shard ConfigMap on a real API server (the local cluster): strategies are
// added and re-parameterised live without a restart; an invalid document is rejected with the
// field named and the running config stays.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import {
  SHARD_CONFIG_KEY,
  shardConfigMapName,
} from '../../../operator/src/api/shard/shard-config.ts';
import type { Runner } from '../../../runtime/src/runner/runner.ts';
import { ConfigMapSource } from '../../../runtime/src/runner/shard-config-source.ts';
import { shardConfig, shardStrategy } from '../../fixtures/shard.ts';
import { eventually } from '../../harness/eventually.ts';
import { kubectlOk } from '../../harness/kubectl.ts';
import { createNamespace } from '../../harness/namespace.ts';
import {
  feed,
  newRedis,
  readSignals,
  testRunner,
  uniqueInstruments,
  waitProcessed,
} from '../../harness/runner.ts';

const redisUrl = inject('redisUrl');
const kubeconfig = inject('kubeconfig');
let redis: Redis;
let ns: string;
let runner: Runner;
let source: ConfigMapSource;
const rejected: string[] = [];

const applyConfigMap = (data: string) =>
  kubectlOk(
    kubeconfig,
    ['-n', ns, 'apply', '-f', '-'],
    stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: shardConfigMapName(0) },
      data: { [SHARD_CONFIG_KEY]: data },
    }),
  );

beforeAll(async () => {
  redis = newRedis(redisUrl);
  ns = await createNamespace(kubeconfig, 'live-config');
  runner = testRunner({ redisUrl, namespace: `${ns}-${randomBytes(2).toString('hex')}` });
  await runner.start();
  source = new ConfigMapSource(ns, 0, kubeconfig);
  await source.start({
    config: (c) => runner.setConfig(c),
    rejected: (e) => {
      rejected.push(e.message);
      void runner.reportRejected(e);
    },
  });
});
afterAll(async () => {
  await source.stop();
  await runner.stop();
  await redis.quit();
});

describe('live shard config from the ConfigMap', () => {
  it('adds a strategy live, rejects a bad document, and keeps every tick', async () => {
    const [a = ''] = uniqueInstruments('LIVE');
    await applyConfigMap(
      JSON.stringify(shardConfig([shardStrategy('live-one', { instruments: [a] })], 1)),
    );
    await eventually(
      'generation 1 applied',
      () => (runner.generation === 1 ? true : undefined),
      30_000,
    );
    await feed(redis, [a], 800, 3);
    await waitProcessed(redis, runner.keys.group, [a]);
    expect(runner.executor.strategies.has('live-two')).toBe(false);

    await applyConfigMap(
      JSON.stringify(
        shardConfig(
          [
            shardStrategy('live-one', { instruments: [a] }),
            shardStrategy('live-two', {
              instruments: [a],
              decision: { ...shardStrategy('x').decision, threshold: 0.55 },
            }),
          ],
          2,
        ),
      ),
    );
    await eventually(
      'generation 2 applied',
      () => (runner.generation === 2 ? true : undefined),
      30_000,
    );
    await feed(redis, [a], 800, 4);
    await waitProcessed(redis, runner.keys.group, [a]);
    // The new strategy was warm at once (history was there) and signals on the new ticks only.
    const two = await readSignals(redis, 'live-two');
    expect(two.length).toBeGreaterThan(0);
    expect(runner.totals.ticks).toBe(1_600);

    await applyConfigMap(
      JSON.stringify(
        shardConfig([shardStrategy('live-one', { instruments: [a], warmupTicks: -1 })], 3),
      ),
    );
    await eventually(
      'the rejection',
      () =>
        rejected.some((m) => m.includes('strategies[0].warmupTicks: -1 is below the minimum 0'))
          ? true
          : undefined,
      30_000,
    );
    expect(runner.generation).toBe(2);
    expect(runner.executor.strategies.size).toBe(2);
    const events = await redis.xrange(runner.keys.events, '-', '+');
    const types = events.map(([, f]) => f[1]);
    expect(types).toEqual(expect.arrayContaining(['started', 'config-applied', 'config-rejected']));
    await eventually('generation 2 reported', async () =>
      (await redis.hget(runner.keys.shardHash, 'generation')) === '2' ? true : undefined,
    );
  });
});
