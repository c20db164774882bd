// The whole operator in this process against the real local cluster, with Redis unreachable:
// it still renders the fleet (shard ConfigMaps, StatefulSet), status says why strategies are
// not Ready, and its probes and metrics answer. Then the fleet outgrows its runners (capacity
// 2 × 2 shards): the strategy past the limit waits with reason ShardLimit while the others
// are still placed, and is placed once one is deleted.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import {
  SHARD_CONFIG_KEY,
  type ShardConfig,
} from '../../../operator/src/api/shard/shard-config.ts';
import { resolveOperatorConfig } from '../../../operator/src/config.ts';
import { type RunningOperator, startOperator } from '../../../operator/src/operator.ts';
import { strategy } from '../../fixtures/objects.ts';
import { eventually } from '../../harness/eventually.ts';
import { kubectlOk } from '../../harness/kubectl.ts';
import { applyCrds, createNamespace } from '../../harness/namespace.ts';

const kubeconfig = inject('kubeconfig');
let ns: string;
let operator: RunningOperator | undefined;
const k = (...args: string[]) => kubectlOk(kubeconfig, ['-n', ns, ...args]);

const rulesOnly = (name: string, instrument: string) => {
  const s = strategy((spec) => {
    spec.instruments = [instrument];
    delete spec.modelRef;
    spec.decision.blendWeight = 0;
  });
  return { ...s, metadata: { name } };
};

beforeAll(async () => {
  await applyCrds(kubeconfig, join(REPO_ROOT, 'crds'));
  ns = await createNamespace(kubeconfig, 'operator-inproc');
  process.env.KUBECONFIG = kubeconfig;
  operator = await startOperator(
    resolveOperatorConfig(
      {
        namespace: ns,
        metricsBindAddress: '127.0.0.1:0',
        healthProbeBindAddress: '127.0.0.1:0',
        // Nothing listens on port 1: every report read fails.
        redisUrl: 'redis://127.0.0.1:1',
        shardCapacity: '2',
        maxShards: '2',
        runnerImage: 'test.invalid/unstarted:none',
        logLevel: 'silent',
      },
      {},
      () => undefined,
    ),
  );
  await kubectlOk(
    kubeconfig,
    ['-n', ns, 'apply', '-f', '-'],
    [rulesOnly('a', 'BTC-USD'), rulesOnly('b', 'BTC-USD'), rulesOnly('c', 'ETH-USD')]
      .map((o) => stringify(o))
      .join('---\n'),
  );
});

afterAll(async () => {
  await operator?.stop();
});

describe('the operator with Redis unreachable', () => {
  it('still renders the fleet: shard ConfigMaps and a StatefulSet of one replica per shard', async () => {
    const configs = await eventually('two shard ConfigMaps', async () => {
      const list = JSON.parse(
        await k(
          'get',
          'configmaps',
          '-l',
          'app.kubernetes.io/managed-by=flotilla-operator',
          '-o',
          'json',
        ),
      ) as { items: { data: Record<string, string> }[] };
      const c = list.items.map(
        (cm) => JSON.parse(cm.data[SHARD_CONFIG_KEY] ?? '{}') as ShardConfig,
      );
      return c.flatMap((x) => x.strategies).length === 3 ? c : undefined;
    });
    expect(configs.map((c) => c.strategies.map((s) => s.name).sort()).sort()).toEqual([
      ['a', 'b'],
      ['c'],
    ]);
    const replicas = await eventually(
      'the StatefulSet',
      async () =>
        Number(
          await k('get', 'statefulset', 'flotilla-runner', '-o', 'jsonpath={.spec.replicas}'),
        ) || undefined,
    );
    expect(replicas).toBe(2);
  });

  it('says in status that runner reports cannot be read', async () => {
    const ready = await eventually(
      'status of a',
      async () => {
        const s = JSON.parse(await k('get', 'strategy', 'a', '-o', 'json'));
        const c = s.status?.conditions?.find((x: { type: string }) => x.type === 'Ready');
        return c?.reason === 'RunnerReportUnavailable' ? c : undefined;
      },
      30_000,
    );
    expect(ready.status).toBe('Unknown');
    expect(ready.message).toMatch(/Redis/);
  });

  it('answers its probes and serves its metrics', async () => {
    const ready = await fetch(`${operator?.healthUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, leader: true });
    const metrics = await (await fetch(`${operator?.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /flotilla_operator_reconcile_total\{controller="fleet",result="success"\} [1-9]/,
    );
    expect(metrics).toContain('flotilla_operator_leader 1');
  });

  it('leaves out the strategy past shardCapacity × maxShards, places the rest, and places it once there is room', async () => {
    await kubectlOk(
      kubeconfig,
      ['-n', ns, 'apply', '-f', '-'],
      [rulesOnly('d', 'ETH-USD'), rulesOnly('e', 'SOL-USD')].map((o) => stringify(o)).join('---\n'),
    );
    const statusOf = async (name: string) =>
      JSON.parse(await k('get', 'strategy', name, '-o', 'json')).status as
        | { shard?: number; conditions?: { type: string; reason: string; message: string }[] }
        | undefined;
    const left = await eventually(
      'e left out',
      async () => {
        const c = (await statusOf('e'))?.conditions?.find((x) => x.type === 'Ready');
        return c?.reason === 'ShardLimit' ? c : undefined;
      },
      30_000,
    );
    expect(left.message).toMatch(/hold 4 strategies \(shardCapacity 2 × maxShards 2\)/);
    // d, applied with it, fits: the fleet goes on changing.
    const d = await eventually('d placed', async () => (await statusOf('d'))?.shard, 30_000);
    expect(d).toBe(1);
    const overflow = await k(
      'get',
      'configmap',
      'flotilla-shard-overflow',
      '-o',
      'jsonpath={.data.overflow\\.json}',
    );
    expect(JSON.parse(overflow)).toEqual({ strategies: ['e'], capacity: 2, maxShards: 2 });
    const leftOut = async () => {
      const text = await (await fetch(`${operator?.metricsUrl}/metrics`)).text();
      return /flotilla_operator_strategies_left_out\{reason="ShardLimit"\} (\d+)/.exec(text)?.[1];
    };
    expect(await leftOut()).toBe('1');

    await k('delete', 'strategy', 'a');
    const e = await eventually('e placed', async () => (await statusOf('e'))?.shard, 30_000);
    expect(e).toBe(0);
    await eventually(
      'the overflow ConfigMap deleted',
      async () =>
        (await k('get', 'configmaps', '-o', 'name')).includes('flotilla-shard-overflow')
          ? undefined
          : true,
      30_000,
    );
    expect(await leftOut()).toBe('0');
  });
});
