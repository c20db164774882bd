// kill -9 of a runner pod's process mid-run, with the ledger on: the pod restarts, every tick is
// processed, and ClickHouse holds exactly one decision record per signal (no tick lost, no
// decision duplicated), the records equal to an offline replay's signals.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { clusterConfig } from '../../../cli/local-up/servers/local-cluster.ts';
import { runnerKeys } from '../../../operator/src/api/shard/redis-keys.ts';
import {
  SHARD_CONFIG_KEY,
  shardConfigMapName,
} from '../../../operator/src/api/shard/shard-config.ts';
import {
  desiredRunners,
  runnerAccess,
} from '../../../operator/src/controllers/strategy/desired-runners.ts';
import { marketTicks } from '../../../runtime/src/feed/market.ts';
import { publishTicks } from '../../../runtime/src/feed/publisher.ts';
import { ledgerClient } from '../../../runtime/src/forensics/ledger-client.ts';
import { shardConfig, shardStrategy } from '../../fixtures/shard.ts';
import { type ClickHouseServer, startClickHouse } from '../../harness/clickhouse.ts';
import { eventually } from '../../harness/eventually.ts';
import { kubectlOk } from '../../harness/kubectl.ts';
import { createNamespace, deleteNamespace } from '../../harness/namespace.ts';
import { containerPid } from '../../harness/pods.ts';
import { type RedisServer, startRedis } from '../../harness/redis.ts';
import {
  newRedis,
  readSignals,
  replaySignals,
  signalKey,
  uniqueInstruments,
  waitProcessed,
} from '../../harness/runner.ts';

const kubeconfig = inject('kubeconfig');
const clusterDir = inject('clusterDir');
let ns: string;
let redisServer: RedisServer;
let clickhouse: ClickHouseServer;
let redis: Redis;
const instruments = uniqueInstruments('KL1', 'KL2');
const config = shardConfig([
  shardStrategy('kill-ledger-a', { instruments }),
  shardStrategy('kill-ledger-b', { instruments: [instruments[1] ?? ''] }),
]);

const k = (...args: string[]) => kubectlOk(kubeconfig, ['-n', ns, ...args]);

beforeAll(async () => {
  const { bridgeIP, podCIDR } = clusterConfig(clusterDir);
  redisServer = await startRedis({ bind: [bridgeIP] });
  clickhouse = await startClickHouse({ bind: [bridgeIP], clients: [podCIDR] });
  redis = newRedis(redisServer.url);
  ns = await createNamespace(kubeconfig, 'kill-ledger');
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: shardConfigMapName(0) },
      data: { [SHARD_CONFIG_KEY]: JSON.stringify(config) },
    },
    ...runnerAccess(),
    ...desiredRunners({
      shards: 1,
      redisUrl: `redis://${bridgeIP}:${redisServer.port}`,
      clickhouseUrl: `http://${bridgeIP}:${new URL(clickhouse.url).port}`,
      args: ['--start-from', 'earliest', '--block-ms', '20', '--latency-budget-ms', '3600000'],
    }),
  ];
  await kubectlOk(
    kubeconfig,
    ['-n', ns, 'apply', '-f', '-'],
    objects.map((o) => stringify(o)).join('---\n'),
  );
  await k('rollout', 'status', 'statefulset/flotilla-runner', '--timeout=180s');
});

afterAll(async () => {
  if (ns) await deleteNamespace(kubeconfig, ns).catch(() => undefined);
  await redis?.quit();
  await redisServer?.stop();
  await clickhouse?.stop();
});

describe('a runner pod killed with SIGKILL mid-run, ledger on', () => {
  it('loses no tick and duplicates no decision record', async () => {
    const { group, ledgerOutbox } = runnerKeys(ns, 0);
    const ticks = [
      ...marketTicks(instruments, {
        seed: 13,
        startTs: 1_700_000_000_000,
        ticksPerInstrument: 3_000,
      }),
    ].map((t) => ({ ...t, cid: `${t.instrument}-${t.seq}` }));
    const feeding = publishTicks(redis, ticks, { rate: 1_500, batchSize: 50 });
    await eventually(
      'the runner to commit part of the stream',
      async () => ((await redis.xlen(`signals:kill-ledger-a`)) > 20 ? true : undefined),
      60_000,
      50,
    );
    const pid = containerPid(ns, 'flotilla-runner-0');
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGKILL');
    expect((await feeding).total).toBe(6_000);
    await waitProcessed(redis, group, instruments, 180_000);
    await eventually(
      'the ledger outbox to drain',
      async () => ((await redis.xlen(ledgerOutbox)) === 0 ? true : undefined),
      60_000,
    );
    const restarts = await k(
      'get',
      'pod',
      'flotilla-runner-0',
      '-o',
      'jsonpath={.status.containerStatuses[0].restartCount}',
    );
    expect(Number(restarts)).toBeGreaterThanOrEqual(1);

    const expected = await replaySignals(config, redis);
    const signals = [
      ...(await readSignals(redis, 'kill-ledger-a')),
      ...(await readSignals(redis, 'kill-ledger-b')),
    ];
    expect(signals.map(signalKey).sort()).toEqual(expected.map(signalKey).sort());
    const client = ledgerClient(clickhouse.url);
    try {
      const rows = await (
        await client.query({
          query: 'SELECT id FROM flotilla.decisions FINAL ORDER BY id',
          format: 'JSONEachRow',
        })
      ).json<{ id: string }>();
      expect(rows.map((r) => r.id)).toEqual(signals.map((s) => s.id).sort());
    } finally {
      await client.close();
    }
  });
});
