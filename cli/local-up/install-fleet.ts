// Puts Flotilla on the cluster the way a user does: the chart installed with helm (the operator
// as a pod, runners as StatefulSet pods), the example fleet applied with kubectl, then waits
// until every Strategy reports Ready.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { runnerKeys } from '../../operator/src/api/shard/redis-keys.ts';
import { REPO_ROOT } from '../local-kube.ts';
import { chartTakesClickHouse, chartValues } from './chart-values.ts';
import { LocalUpError } from './errors.ts';
import { type KubeClient, mustRun } from './kube-clients.ts';
import {
  describeNotReady,
  type NotReady,
  notReadyStrategies,
  type StrategyListItem,
} from './readiness.ts';

export const CHART_DIR = join(REPO_ROOT, 'charts/flotilla');
export const FLEET_DIR = join(REPO_ROOT, 'examples/fleet');
export const MODELS_DIR = join(REPO_ROOT, 'examples/models');
export const NAMESPACE = 'default';

export interface InstallOptions {
  dir: string;
  helm: KubeClient;
  podRedisUrl: string;
  podClickHouseUrl: string;
}

/** The strategies whose runner has written their Redis hash (it does on every report). */
async function reportedStrategies(redis: Redis, names: readonly string[]): Promise<Set<string>> {
  const keys = runnerKeys(NAMESPACE, 0);
  const tx = redis.pipeline();
  for (const name of names) tx.exists(keys.strategyHash(name));
  const replies = (await tx.exec()) ?? [];
  return new Set(names.filter((_, i) => replies[i]?.[1] === 1));
}

/** Installs (or upgrades, on a directory used before) the chart; returns whether it takes clickhouse.url. */
export async function installChart(o: InstallOptions): Promise<boolean> {
  const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8'));
  const values = join(o.dir, 'local-up', 'values.yaml');
  writeFileSync(
    values,
    stringify(
      chartValues({
        redisUrl: o.podRedisUrl,
        clickhouseUrl: o.podClickHouseUrl,
        modelsHostPath: MODELS_DIR,
        schema,
      }),
    ),
  );
  await mustRun(
    o.helm,
    [
      ...['upgrade', '--install', 'flotilla', CHART_DIR, '--namespace', NAMESPACE],
      ...['--values', values, '--wait', '--timeout', '300s'],
    ],
    'helm upgrade --install flotilla charts/flotilla',
  );
  return chartTakesClickHouse(schema);
}

export async function applyFleet(kubectl: KubeClient): Promise<void> {
  await mustRun(
    kubectl,
    ['--namespace', NAMESPACE, 'apply', '-f', FLEET_DIR],
    'kubectl apply -f examples/fleet/',
  );
}

/**
 * Polls until every named Strategy is Ready and reported to `redis` by its runner;
 * FLT_LOCAL_UP_NOT_READY names the rest at the deadline.
 */
export async function waitForReady(
  kubectl: KubeClient,
  redis: Redis,
  names: readonly string[],
  o: { timeoutMs: number; signal: AbortSignal },
): Promise<void> {
  const deadline = performance.now() + o.timeoutMs;
  let notReady: NotReady[] = [];
  while (!o.signal.aborted) {
    const r = await kubectl(['--namespace', NAMESPACE, 'get', 'strategies', '-o', 'json']);
    if (r.code === 0) {
      const list = JSON.parse(r.stdout) as { items: StrategyListItem[] };
      notReady = notReadyStrategies(names, list.items, await reportedStrategies(redis, names));
      if (notReady.length === 0) return;
    } else {
      const message = `kubectl get strategies failed: ${r.stderr.trim().split('\n')[0]}`;
      notReady = names.map((name) => ({ name, reason: 'Unknown', message }));
    }
    if (performance.now() > deadline)
      throw new LocalUpError(
        'FLT_LOCAL_UP_NOT_READY',
        `${notReady.length} of ${names.length} strategies not Ready after ${Math.round(o.timeoutMs / 1000)} s:\n${describeNotReady(notReady)}`,
      );
    await sleep(1_000, undefined, { signal: o.signal }).catch(() => undefined);
  }
}
