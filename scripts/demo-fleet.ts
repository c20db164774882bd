// The demo's trading part: the example fleet as one shard on the local cluster. Resolves the
// examples into a shard ConfigMap, runs the runner StatefulSet with the example models mounted,
// feeds synthetic ticks, and reports what came out. Until the operator exists, this stands in
// for it (one shard, no planner).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { readManifests } from '../operator/src/api/manifests.ts';
import { runnerKeys } from '../operator/src/api/shard/redis-keys.ts';
import { resolveShard, type StrategyObject } from '../operator/src/api/shard/resolve.ts';
import { SHARD_CONFIG_KEY, shardConfigMapName } from '../operator/src/api/shard/shard-config.ts';
import type { ModelSpec } from '../operator/src/api/v1alpha1/model.ts';
import type { StrategySpec } from '../operator/src/api/v1alpha1/strategy.ts';
import { validateManifest } from '../operator/src/api/validation/validate.ts';
import {
  desiredRunners,
  runnerAccess,
} from '../operator/src/controllers/strategy/desired-runners.ts';
import { marketTicks } from '../runtime/src/feed/market.ts';
import { marketParams } from '../runtime/src/feed/market-params.ts';
import { publishTicks } from '../runtime/src/feed/publisher.ts';
import { startRedis } from '../test/harness/redis.ts';

export interface DemoFleetOptions {
  root: string;
  clusterDir: string;
  /** Runs `kubectl` of the local cluster with stdin. */
  kubectl: (args: string[], input?: string) => string;
  seconds: number;
  rate: number;
}

/** The example Strategies and Models, with defaults applied as the API server would. */
function exampleShard(root: string) {
  const strategies: StrategyObject[] = [];
  const models = new Map<string, ModelSpec>();
  for (const doc of readManifests([join(root, 'examples/fleet')])) {
    const { kind, name, value } = validateManifest(doc.object);
    if (!name) continue;
    if (kind?.kind === 'Strategy')
      strategies.push({ name, generation: 1, spec: value.spec as StrategySpec });
    if (kind?.kind === 'Model') models.set(name, value.spec as ModelSpec);
  }
  return resolveShard(0, 1, strategies, models);
}

export async function runDemoFleet(o: DemoFleetOptions): Promise<void> {
  const { bridgeIP } = JSON.parse(readFileSync(join(o.clusterDir, 'cluster.json'), 'utf8')) as {
    bridgeIP: string;
  };
  // Pods reach host servers at the node bridge's address; the demo's Redis listens there too.
  const server = await startRedis({ bind: [bridgeIP] });
  const redis = new Redis(server.url);
  try {
    const config = exampleShard(o.root);
    const instruments = [...new Set(config.strategies.flatMap((s) => s.instruments))].sort();
    const configMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: shardConfigMapName(0) },
      data: { [SHARD_CONFIG_KEY]: JSON.stringify(config) },
    };
    const objects = [
      configMap,
      ...runnerAccess(),
      ...desiredRunners({
        shards: 1,
        redisUrl: `redis://${bridgeIP}:${server.port}`,
        modelsHostPath: join(o.root, 'examples/models'),
      }),
    ];
    o.kubectl(['apply', '-f', '-'], objects.map((x) => stringify(x)).join('---\n'));
    console.log(
      `   waiting for the runner pod (${config.strategies.length} strategies on ${instruments.join(', ')}) ...`,
    );
    o.kubectl(['rollout', 'status', 'statefulset/flotilla-runner', '--timeout=180s']);
    console.log(
      `\n   feeding ${o.rate} synthetic ticks/s for ${o.seconds} s (seeded, with a planted edge) ...`,
    );
    // The example models were trained on this market with the same planted edge.
    const ticks = marketTicks(instruments, {
      seed: 7,
      startTs: Date.now(),
      params: marketParams({ edge: 0.3 }),
    });
    await publishTicks(redis, ticks, { rate: o.rate, durationMs: o.seconds * 1_000 });
    await new Promise((r) => setTimeout(r, 1_500));
    const keys = runnerKeys('default', 0);
    const shard = await redis.hgetall(keys.shardHash);
    console.log(
      `\n   runner shard 0: generation ${shard.generation}, ${shard.ticks} ticks, ${shard.signals} signals, ${shard.drops} drops, ready=${shard.ready}`,
    );
    console.log('\n   strategy                decisions  signals  model fallbacks');
    for (const s of config.strategies) {
      const h = await redis.hgetall(keys.strategyHash(s.name));
      console.log(
        `   ${s.name.padEnd(22)} ${String(h.decisions ?? 0).padStart(10)} ${String(h.signals ?? 0).padStart(8)} ${String(h.fallbacks ?? 0).padStart(16)}`,
      );
    }
    const last = await redis.xrevrange(
      `signals:${config.strategies[0]?.name}`,
      '+',
      '-',
      'COUNT',
      1,
    );
    if (last[0])
      console.log(`\n   latest signal of ${config.strategies[0]?.name}: ${last[0][1].join(' ')}`);
  } finally {
    o.kubectl(['delete', 'statefulset', 'flotilla-runner', '--wait=true', '--timeout=60s']);
    await redis.quit();
    await server.stop();
  }
}
