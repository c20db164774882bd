// The whole operator in this process against the real local cluster, with Redis unreachable:
// it still renders the fleet (shard ConfigMaps, StatefulSet), status says why strategies are
// not Ready, and its probes and metrics answer.
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
});
