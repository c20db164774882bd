// Benchmark of the operator: time for 1,000 Strategies to converge (every one placed on a shard
// with its status written for its generation, every shard ConfigMap holding them), and the
// reconcile duration p50/p99 by controller, from the operator's own histogram. Side by side, the
// ceiling: the same API writes (1,000 creates, 1,000 status patches) done directly by this
// process with the same concurrency, no operator. Runner pods are left unstarted (their image
// maps to nothing), so the figures are the control plane's alone.
// Run: npm run bench:operator. The last line is one JSON object with the figures.

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { REPO_ROOT } from '../cli/local-kube.ts';
import { SHARD_CONFIG_KEY, type ShardConfig } from '../operator/src/api/shard/shard-config.ts';
import { API_VERSION } from '../operator/src/api/v1alpha1/common.ts';
import { resolveOperatorConfig } from '../operator/src/config.ts';
import { KubeClient } from '../operator/src/kube/client.ts';
import { loadKubeConfig } from '../operator/src/kube/config.ts';
import { CORE, FLOTILLA } from '../operator/src/kube/resource-type.ts';
import { startOperator } from '../operator/src/operator.ts';
import { startLocalCluster } from '../test/harness/local-cluster.ts';
import { applyCrds, createNamespace } from '../test/harness/namespace.ts';
import { startRedis } from '../test/harness/redis.ts';

const STRATEGIES = 1_000;
const INSTRUMENTS = 100;
const CAPACITY = 50;
const CONCURRENCY = 16;

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** Deterministic fleet: strategy i trades 1-3 instruments near instrument i mod 100. */
function strategy(namespace: string, i: number): KubernetesObject & { spec: object } {
  const base = i % INSTRUMENTS;
  const count = 1 + (i % 3);
  const instruments = Array.from({ length: count }, (_, j) => `I${(base + j * 7) % INSTRUMENTS}`);
  return {
    apiVersion: API_VERSION,
    kind: 'Strategy',
    metadata: { name: `s-${String(i).padStart(4, '0')}`, namespace },
    spec: {
      instruments: [...new Set(instruments)],
      features: [
        { name: 'ema', window: 20 },
        { name: 'rsi', window: 14 },
      ],
      rules: { weights: [{ feature: 'ema_20', weight: 1 }] },
      decision: { threshold: 0.5 },
    },
  };
}

async function pool<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function createAll(client: KubeClient, namespace: string): Promise<number> {
  const start = process.hrtime.bigint();
  await pool(
    Array.from({ length: STRATEGIES }, (_, i) => strategy(namespace, i)),
    (s) => client.create(FLOTILLA.strategy, s),
  );
  return seconds(start);
}

/** The ceiling: the same creates and one status patch each, with no operator in between. */
async function ceiling(
  client: KubeClient,
  kubeconfig: string,
): Promise<{ create_s: number; status_s: number }> {
  const ns = await createNamespace(kubeconfig, 'bench-ceiling');
  const create_s = await createAll(client, ns);
  const start = process.hrtime.bigint();
  await pool(
    Array.from({ length: STRATEGIES }, (_, i) => strategy(ns, i).metadata?.name as string),
    (name) =>
      client.patch(
        FLOTILLA.strategy,
        { namespace: ns, name },
        { status: { observedGeneration: 1, shard: 0 } },
        'merge',
        { subresource: 'status' },
      ),
  );
  const status_s = seconds(start);
  await client.delete(CORE.namespace, { name: ns });
  return { create_s, status_s };
}

async function converged(client: KubeClient, namespace: string): Promise<boolean> {
  const { items } = await client.list<
    KubernetesObject & { status?: { shard?: number; observedGeneration?: number } }
  >(FLOTILLA.strategy, { namespace });
  if (items.length < STRATEGIES) return false;
  if (
    !items.every(
      (s) =>
        s.status?.shard !== undefined && s.status.observedGeneration === s.metadata?.generation,
    )
  )
    return false;
  const cms = await client.list<KubernetesObject & { data?: Record<string, string> }>(
    CORE.configMap,
    {
      namespace,
      labelSelector: 'app.kubernetes.io/managed-by=flotilla-operator',
    },
  );
  const placed = cms.items.reduce(
    (n, cm) =>
      n +
      (JSON.parse(cm.data?.[SHARD_CONFIG_KEY] ?? '{"strategies":[]}') as ShardConfig).strategies
        .length,
    0,
  );
  return placed === STRATEGIES;
}

/** histogram_quantile over one label set of a prom-client histogram, as Prometheus computes it. */
async function histogramQuantile(
  registry: Registry,
  q: number,
  controller: string,
): Promise<number> {
  const metric = await registry
    .getSingleMetric('flotilla_operator_reconcile_duration_seconds')
    ?.get();
  const buckets = (metric?.values ?? [])
    .filter(
      (v) =>
        v.labels.controller === controller &&
        (v as { metricName?: string }).metricName?.endsWith('_bucket'),
    )
    .map((v) => ({
      le: v.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(v.labels.le),
      count: v.value,
    }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe * 1000;
      return (
        (prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(1, b.count - prevCount)) * 1000
      );
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return Number.NaN;
}

const cluster = await startLocalCluster();
const redis = await startRedis();
try {
  process.env.KUBECONFIG = cluster.kubeconfig;
  await applyCrds(cluster.kubeconfig, join(REPO_ROOT, 'crds'));
  const client = new KubeClient(loadKubeConfig());
  console.log(
    `ceiling: ${STRATEGIES} creates + ${STRATEGIES} status patches, ${CONCURRENCY} at a time, no operator ...`,
  );
  const base = await ceiling(client, cluster.kubeconfig);
  console.log(
    `  creates ${base.create_s.toFixed(1)} s, status patches ${base.status_s.toFixed(1)} s`,
  );

  const ns = await createNamespace(cluster.kubeconfig, 'bench-operator');
  const operator = await startOperator(
    resolveOperatorConfig(
      {
        namespace: ns,
        metricsBindAddress: '0',
        healthProbeBindAddress: '0',
        shardCapacity: String(CAPACITY),
        runnerImage: 'bench.invalid/unstarted:none',
        redisUrl: redis.url,
        logLevel: 'warn',
      },
      {},
      () => undefined,
    ),
  );
  console.log(
    `operator: ${STRATEGIES} strategies on ${INSTRUMENTS} instruments, shards of ${CAPACITY} ...`,
  );
  const start = process.hrtime.bigint();
  const create_s = await createAll(client, ns);
  while (!(await converged(client, ns))) await sleep(250);
  const converge_s = seconds(start);
  const figures = {
    converge_s_1000: Number(converge_s.toFixed(2)),
    create_s_1000: Number(create_s.toFixed(2)),
    ceiling_s_1000: Number((base.create_s + base.status_s).toFixed(2)),
    converge_over_ceiling: Number((converge_s / (base.create_s + base.status_s)).toFixed(2)),
    reconcile_p50_ms: Number(
      (await histogramQuantile(operator.registry, 0.5, 'strategy')).toFixed(2),
    ),
    reconcile_p99_ms: Number(
      (await histogramQuantile(operator.registry, 0.99, 'strategy')).toFixed(2),
    ),
    fleet_reconcile_p50_ms: Number(
      (await histogramQuantile(operator.registry, 0.5, 'fleet')).toFixed(2),
    ),
    fleet_reconcile_p99_ms: Number(
      (await histogramQuantile(operator.registry, 0.99, 'fleet')).toFixed(2),
    ),
  };
  console.log(
    `  converged in ${figures.converge_s_1000} s (creates took ${figures.create_s_1000} s); ceiling ${figures.ceiling_s_1000} s; ratio ${figures.converge_over_ceiling}`,
  );
  console.log(
    `  reconcile p50/p99: strategy ${figures.reconcile_p50_ms}/${figures.reconcile_p99_ms} ms, fleet ${figures.fleet_reconcile_p50_ms}/${figures.fleet_reconcile_p99_ms} ms`,
  );
  await operator.stop();
  console.log(JSON.stringify(figures));
} finally {
  await redis.stop();
  await cluster.stop();
}
