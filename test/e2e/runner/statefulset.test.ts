// The runner as Kubernetes runs it: a StatefulSet of 2 runner pods on the local cluster, each
// reading its own shard ConfigMap through the API (in-cluster config, RBAC), consuming fed ticks
// from Redis, emitting signals, reporting its config generation, and answering /readyz on its
// pod IP.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { runnerKeys } from '../../../operator/src/api/shard/redis-keys.ts';
import {
  SHARD_CONFIG_KEY,
  shardConfigMapName,
} from '../../../operator/src/api/shard/shard-config.ts';
import {
  desiredRunners,
  runnerAccess,
} from '../../../operator/src/controllers/strategy/desired-runners.ts';
import { shardConfig, shardStrategy } from '../../fixtures/shard.ts';
import { eventually } from '../../harness/eventually.ts';
import { kubectlOk } from '../../harness/kubectl.ts';
import { bridgeIP } from '../../harness/local-cluster.ts';
import { createNamespace, deleteNamespace } from '../../harness/namespace.ts';
import { type RedisServer, startRedis } from '../../harness/redis.ts';
import { feed, newRedis, readSignals, uniqueInstruments } from '../../harness/runner.ts';

const kubeconfig = inject('kubeconfig');
const clusterDir = inject('clusterDir');
let ns: string;
let server: RedisServer;
let redis: Redis;
const [a = '', b = ''] = uniqueInstruments('E0', 'E1');

const k = (...args: string[]) => kubectlOk(kubeconfig, ['-n', ns, ...args]);
const apply = (...objects: object[]) =>
  kubectlOk(
    kubeconfig,
    ['-n', ns, 'apply', '-f', '-'],
    objects.map((o) => stringify(o)).join('---\n'),
  );

const configMap = (
  shard: number,
  strategies: ReturnType<typeof shardStrategy>[],
  generation = 1,
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: shardConfigMapName(shard) },
  data: { [SHARD_CONFIG_KEY]: JSON.stringify(shardConfig(strategies, generation, shard)) },
});

beforeAll(async () => {
  // Pods reach host servers at the node bridge's address (loopback is their own).
  const bridge = bridgeIP(clusterDir);
  server = await startRedis({ bind: [bridge] });
  redis = newRedis(server.url);
  ns = await createNamespace(kubeconfig, 'runners');
  await apply(
    configMap(0, [shardStrategy('e2e-zero', { instruments: [a] })]),
    configMap(1, [
      shardStrategy('e2e-one', { instruments: [b] }),
      shardStrategy('e2e-one-b', { instruments: [a, b], priority: 'critical' }),
    ]),
    ...runnerAccess(),
    ...desiredRunners({
      shards: 2,
      redisUrl: `redis://${bridge}:${server.port}`,
      args: ['--start-from', 'earliest', '--block-ms', '50', '--report-interval-ms', '250'],
    }),
  );
  await k('rollout', 'status', 'statefulset/flotilla-runner', '--timeout=180s');
});

afterAll(async () => {
  if (ns) await deleteNamespace(kubeconfig, ns).catch(() => undefined);
  await redis?.quit();
  await server?.stop();
});

describe('a StatefulSet of runners', () => {
  it('answers /readyz on each pod IP with its shard and generation', async () => {
    for (const shard of [0, 1]) {
      const ip = await k(
        'get',
        'pod',
        `flotilla-runner-${shard}`,
        '-o',
        'jsonpath={.status.podIP}',
      );
      expect(ip).toMatch(/^10\.244\.\d+\.\d+$/);
      const res = await fetch(`http://${ip}:8080/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ready: true, shard, generation: 1 });
    }
  });

  it('consumes fed ticks and emits signals from both shards', async () => {
    await feed(redis, [a, b], 1_000, 21);
    for (const name of ['e2e-zero', 'e2e-one', 'e2e-one-b'])
      await eventually(
        `signals of ${name}`,
        async () => ((await readSignals(redis, name)).length > 0 ? true : undefined),
        60_000,
      );
    const both = await readSignals(redis, 'e2e-one-b');
    await eventually(
      'e2e-one-b signals on both instruments',
      async () => {
        const instruments = new Set(
          (await readSignals(redis, 'e2e-one-b')).map((s) => s.instrument),
        );
        return instruments.size === 2 ? true : undefined;
      },
      60_000,
    );
    expect(both.every((s) => /^[0-9a-f]{32}$/.test(s.id ?? ''))).toBe(true);
  });

  it('reports its generation and counters to Redis for the operator', async () => {
    for (const shard of [0, 1]) {
      const hash = await eventually(
        `shard ${shard} report`,
        async () => {
          const h = await redis.hgetall(runnerKeys(ns, shard).shardHash);
          return Number(h.ticks) >= (shard === 0 ? 1_000 : 2_000) ? h : undefined;
        },
        60_000,
      );
      expect(hash).toMatchObject({
        generation: '1',
        ready: '1',
        pod: `flotilla-runner-${shard}`,
        shard: String(shard),
      });
    }
  });

  it('picks up a changed ConfigMap live, without a restart', async () => {
    await apply(
      configMap(
        0,
        [
          shardStrategy('e2e-zero', { instruments: [a] }),
          shardStrategy('e2e-zero-new', { instruments: [a] }),
        ],
        2,
      ),
    );
    await eventually(
      'the new strategy in shard 0',
      async () => {
        const h = await redis.hgetall(runnerKeys(ns, 0).strategyHash('e2e-zero-new'));
        return h.shard === '0' ? true : undefined;
      },
      60_000,
    );
    expect(await redis.hget(runnerKeys(ns, 0).shardHash, 'generation')).toBe('2');
    const restarts = await k(
      'get',
      'pod',
      'flotilla-runner-0',
      '-o',
      'jsonpath={.status.containerStatuses[0].restartCount}',
    );
    expect(restarts).toBe('0');
  });
});
