// The operator as users install it: the Helm chart installed with the real helm on the local
// cluster (two operator replicas with leader election, under the chart's RBAC), the examples
// applied with kubectl, runner pods started by the StatefulSet it renders, strategies Ready
// through their runners' Redis reports; then idempotency, deletion, a bad Model, and failover.
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import {
  SHARD_CONFIG_KEY,
  type ShardConfig,
} from '../../../operator/src/api/shard/shard-config.ts';
import { eventually } from '../../harness/eventually.ts';
import { helmOk } from '../../harness/helm.ts';
import { kubectl, kubectlOk } from '../../harness/kubectl.ts';
import { bridgeIP } from '../../harness/local-cluster.ts';
import { createNamespace, deleteNamespace } from '../../harness/namespace.ts';
import { containerPid } from '../../harness/pods.ts';
import { type RedisServer, startRedis } from '../../harness/redis.ts';

const kubeconfig = inject('kubeconfig');
const clusterDir = inject('clusterDir');
let ns: string;
let server: RedisServer;

const k = (...args: string[]) => kubectlOk(kubeconfig, ['-n', ns, ...args]);
const json = async <T = any>(...args: string[]) => JSON.parse(await k(...args, '-o', 'json')) as T;
const OPERATOR_SA = () => `system:serviceaccount:${ns}:flotilla-operator`;

interface Obj {
  metadata: { name: string; resourceVersion: string; generation?: number };
  status?: any;
  data?: Record<string, string>;
}

const EXAMPLE_STRATEGIES = parseAllDocuments(
  readFileSync(join(REPO_ROOT, 'examples/fleet/strategies.yaml'), 'utf8'),
).map((d) => (d.toJS() as Obj).metadata.name);

async function shardConfigs(): Promise<ShardConfig[]> {
  const list = await json<{ items: Obj[] }>(
    'get',
    'configmaps',
    '-l',
    'app.kubernetes.io/managed-by=flotilla-operator',
  );
  return list.items.map((cm) => JSON.parse(cm.data?.[SHARD_CONFIG_KEY] ?? '{}') as ShardConfig);
}

const WRITE_VERBS = ['create', 'update', 'patch', 'delete'];
interface Audit {
  auditID: string;
  verb: string;
  requestReceivedTimestamp: string;
  user?: { username?: string };
  objectRef?: { resource?: string; name?: string };
}

const ready = (o: Obj) => o.status?.conditions?.find((c: { type: string }) => c.type === 'Ready');

async function leader(): Promise<string> {
  const lease = await json<{ spec: { holderIdentity?: string } }>(
    'get',
    'lease',
    'flotilla-operator',
  );
  if (!lease.spec.holderIdentity) throw new Error('no leader');
  return lease.spec.holderIdentity;
}

beforeAll(async () => {
  const bridge = bridgeIP(clusterDir);
  server = await startRedis({ bind: [bridge] });
  ns = await createNamespace(kubeconfig, 'operator');
  const values = join(tmpdir(), `flotilla-values-${ns}.yaml`);
  writeFileSync(
    values,
    stringify({
      redis: { url: `redis://${bridge}:${server.port}` },
      models: { hostPath: join(REPO_ROOT, 'examples/models') },
      // Seven example strategies on shards of four: two runner pods.
      runner: { shardCapacity: 4, extraArgs: ['--report-interval-ms=250'] },
    }),
  );
  await helmOk(kubeconfig, [
    'install',
    'flotilla',
    join(REPO_ROOT, 'charts/flotilla'),
    '--namespace',
    ns,
    '--values',
    values,
    '--wait',
    '--timeout',
    '180s',
  ]);
  await k('apply', '-f', join(REPO_ROOT, 'examples/fleet'));
}, 300_000);

afterAll(async () => {
  if (ns) {
    await helmOk(kubeconfig, ['uninstall', 'flotilla', '--namespace', ns, '--wait']).catch(
      () => undefined,
    );
    await deleteNamespace(kubeconfig, ns).catch(() => undefined);
  }
  await server?.stop();
});

describe('the operator installed by the Helm chart', () => {
  it('runs two replicas, one of them leading through the Lease', async () => {
    const deploy = await json('get', 'deployment', 'flotilla-operator');
    expect(deploy.status.readyReplicas).toBe(2);
    const pods = await json<{ items: Obj[] }>(
      'get',
      'pods',
      '-l',
      'app.kubernetes.io/name=flotilla,app.kubernetes.io/component=operator',
    );
    expect(pods.items.map((p) => p.metadata.name)).toContain(
      await eventually('a leader', leader, 30_000),
    );
  });

  it('runs under least privilege: no Secrets cluster-wide, no deleting namespaces', async () => {
    const can = async (...args: string[]) =>
      (await kubectl(kubeconfig, ['auth', 'can-i', '--as', OPERATOR_SA(), ...args])).stdout.trim();
    expect(await can('get', 'secrets', '--all-namespaces')).toBe('no');
    expect(await can('list', 'secrets', '-n', ns)).toBe('no');
    expect(await can('delete', 'namespaces')).toBe('no');
    expect(await can('patch', 'statefulsets', '-n', ns)).toBe('yes');
    expect(await can('patch', 'statefulsets', '-n', 'default')).toBe('no');
  });

  it('renders the StatefulSet, shard ConfigMaps, Service and PodDisruptionBudget', async () => {
    const configs = await eventually(
      'every example strategy placed',
      async () => {
        const c = await shardConfigs();
        const placed = c.flatMap((x) => x.strategies.map((s) => s.name));
        return EXAMPLE_STRATEGIES.every((n) => placed.includes(n)) ? c : undefined;
      },
      120_000,
    );
    expect(configs.length).toBe(2);
    expect(configs.every((c) => c.strategies.length <= 4)).toBe(true);
    const sts = await json('get', 'statefulset', 'flotilla-runner');
    expect(sts.spec.replicas).toBe(2);
    expect((await json('get', 'service', 'flotilla-runner')).spec.clusterIP).toBe('None');
    expect((await json('get', 'pdb', 'flotilla-runner')).spec.maxUnavailable).toBe(1);
  });

  it('starts runner pods and the strategies become Ready, with shards shown by kubectl', async () => {
    await eventually(
      'every strategy Ready',
      async () => {
        const list = await json<{ items: Obj[] }>('get', 'strategies');
        return list.items.length >= EXAMPLE_STRATEGIES.length &&
          list.items.every((s) => ready(s)?.status === 'True')
          ? true
          : undefined;
      },
      240_000,
      1_000,
    );
    const table = await k('get', 'strategies');
    expect(table.split('\n')[0]).toMatch(/SHARD\s+READY/);
    for (const name of EXAMPLE_STRATEGIES)
      expect(table).toMatch(new RegExp(`^${name}\\s.*\\s[01]\\s+True\\s`, 'm'));
  });

  it('makes zero writes when it reconciles a converged fleet again', async () => {
    // Writes the operator's service account sent since `sinceMs`, from the API server's audit log.
    const operatorWrites = (sinceMs: number) => {
      const seen = new Set<string>();
      return readFileSync(join(clusterDir, 'audit.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Audit)
        .filter(
          (e) =>
            e.user?.username === OPERATOR_SA() &&
            WRITE_VERBS.includes(e.verb) &&
            Date.parse(e.requestReceivedTimestamp) >= sinceMs &&
            !seen.has(e.auditID) &&
            seen.add(e.auditID),
        )
        .map((e) => `${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name}`);
    };
    const reconciles = async (controller: string) => {
      const ip = await k('get', 'pod', await leader(), '-o', 'jsonpath={.status.podIP}');
      const text = await (await fetch(`http://${ip}:8080/metrics`)).text();
      return [
        ...text.matchAll(
          new RegExp(
            `^flotilla_operator_reconcile_total\\{controller="${controller}",[^}]*\\} (\\d+)`,
            'gm',
          ),
        ),
      ].reduce((n, m) => n + Number(m[1]), 0);
    };
    // The filter sees the operator's writes: it created the fleet earlier in this file.
    expect(operatorWrites(0)).toContain('patch configmaps/flotilla-shard-0');
    const since = Date.now();
    const [fleetBefore, strategyBefore] = [await reconciles('fleet'), await reconciles('strategy')];
    // Touch a child and a strategy without changing what the operator manages: the fleet
    // re-renders everything, the status controller re-reads the strategy's runner; neither may
    // write. Then wait past one status refresh (15 s) of every Ready strategy.
    await k('annotate', 'service', 'flotilla-runner', 'flotilla.dev/poke=1');
    await k('annotate', 'strategy', 'momentum-btc', 'flotilla.dev/poke=1');
    await new Promise((r) => setTimeout(r, 17_000));
    expect(await reconciles('fleet')).toBeGreaterThan(fleetBefore);
    expect(await reconciles('strategy')).toBeGreaterThan(strategyBefore);
    expect(operatorWrites(since)).toEqual([]);
  });

  it('takes a deleted strategy out of its shard config', async () => {
    const victim = 'meanrev-crypto';
    const shardBefore = (await shardConfigs()).find((c) =>
      c.strategies.some((s) => s.name === victim),
    );
    expect(shardBefore).toBeDefined();
    await k('delete', 'strategy', victim);
    const shardAfter = await eventually(
      'the strategy gone from every shard',
      async () => {
        const c = await shardConfigs();
        return c.some((x) => x.strategies.some((s) => s.name === victim))
          ? undefined
          : c.find((x) => x.shard === shardBefore?.shard);
      },
      60_000,
    );
    expect(shardAfter?.generation).toBe((shardBefore?.generation ?? 0) + 1);
  });

  it('shows a Model with a wrong sha256 as Degraded with reason ChecksumMismatch', async () => {
    const good = await json('get', 'model', 'direction-lr');
    await kubectlOk(
      kubeconfig,
      ['-n', ns, 'apply', '-f', '-'],
      stringify({
        apiVersion: 'flotilla.dev/v1alpha1',
        kind: 'Model',
        metadata: { name: 'direction-lr-tampered' },
        spec: { ...good.spec, sha256: '0'.repeat(64) },
      }),
    );
    const model = await eventually(
      'the Model verified',
      async () => {
        const m = await json<Obj>('get', 'model', 'direction-lr-tampered');
        return ready(m) ? m : undefined;
      },
      60_000,
    );
    expect(ready(model)).toMatchObject({ status: 'False', reason: 'ChecksumMismatch' });
    expect(ready(model).message).toContain(good.spec.sha256);
    const degraded = model.status.conditions.find((c: { type: string }) => c.type === 'Degraded');
    expect(degraded.status).toBe('True');
    expect(await k('describe', 'model', 'direction-lr-tampered')).toMatch(
      /Warning\s+ChecksumMismatch/,
    );
  });

  it('fails over: after kill -9 of the leader, a change made meanwhile converges within 15 s', async () => {
    const old = await leader();
    const pid = containerPid(ns, old);
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGKILL');
    const killedAt = Date.now();
    const probe = (await json('get', 'strategy', 'momentum-btc')) as any;
    await kubectlOk(
      kubeconfig,
      ['-n', ns, 'apply', '-f', '-'],
      stringify({
        apiVersion: 'flotilla.dev/v1alpha1',
        kind: 'Strategy',
        metadata: { name: 'failover-probe' },
        spec: probe.spec,
      }),
    );
    const placed = await eventually(
      'the new strategy placed and its status written',
      async () => {
        const s = await json<Obj>('get', 'strategy', 'failover-probe');
        return s.status?.shard !== undefined ? s : undefined;
      },
      15_000,
      250,
    );
    console.log(`failover: converged ${Date.now() - killedAt} ms after kill -9 of ${old}`);
    expect(
      (await shardConfigs()).some((c) => c.strategies.some((s) => s.name === 'failover-probe')),
    ).toBe(true);
    expect(placed.status.shard).toBeGreaterThanOrEqual(0);
  });
});
