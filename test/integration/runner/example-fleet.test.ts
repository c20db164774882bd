// The example fleet end to end in one runner: its strategies scored by the trained example
// models (onnxruntime in worker threads through the model registry), with every signal of a
// model strategy naming the example model's digest.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { readManifests } from '../../../operator/src/api/manifests.ts';
import { resolveShard, type StrategyObject } from '../../../operator/src/api/shard/resolve.ts';
import type { ModelSpec } from '../../../operator/src/api/v1alpha1/model.ts';
import type { StrategySpec } from '../../../operator/src/api/v1alpha1/strategy.ts';
import { validateManifest } from '../../../operator/src/api/validation/validate.ts';
import { MODELS_PATH } from '../../../operator/src/controllers/strategy/desired-runners.ts';
import { resolveRunnerConfig } from '../../../runtime/src/config.ts';
import { marketParams } from '../../../runtime/src/feed/market-params.ts';
import { publishTicks } from '../../../runtime/src/feed/publisher.ts';
import { type RunningRunner, startRunner } from '../../../runtime/src/main.ts';
import { eventually } from '../../harness/eventually.ts';
import { newRedis, readSignals, renamedMarket, waitProcessed } from '../../harness/runner.ts';

const redisUrl = inject('redisUrl');
let redis: Redis;
let dir: string;
let running: RunningRunner | undefined;

beforeAll(() => {
  redis = newRedis(redisUrl);
  dir = mkdtempSync(join(tmpdir(), 'flotilla-example-fleet-'));
});
afterAll(async () => {
  await running?.stop();
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

/** The examples as the operator would resolve them, with model URIs pointing into this checkout. */
function exampleConfig(suffix: string) {
  const strategies: StrategyObject[] = [];
  const models = new Map<string, ModelSpec>();
  for (const doc of readManifests([join(REPO_ROOT, 'examples/fleet')])) {
    const { kind, name, value } = validateManifest(doc.object);
    const spec = value.spec as Record<string, unknown>;
    if (!name) continue;
    if (kind?.kind === 'Strategy') {
      const s = spec as unknown as StrategySpec;
      strategies.push({
        name: `${name}-${suffix}`,
        generation: 1,
        spec: { ...s, instruments: s.instruments.map((i) => `${i}-${suffix.toUpperCase()}`) },
      });
    }
    if (kind?.kind === 'Model') {
      const m = spec as unknown as ModelSpec;
      models.set(name, {
        ...m,
        uri: m.uri.replace(`file://${MODELS_PATH}`, `file://${join(REPO_ROOT, 'examples/models')}`),
      });
    }
  }
  return { config: resolveShard(0, 1, strategies, models), models };
}

describe('the example fleet in one runner', () => {
  it('scores its model strategies with the trained example models', async () => {
    const suffix = randomBytes(2).toString('hex');
    const { config, models } = exampleConfig(suffix);
    const configFile = join(dir, 'shard.json');
    writeFileSync(configFile, JSON.stringify(config));
    const namespace = `ns-${suffix}`;
    running = await startRunner(
      resolveRunnerConfig(
        {
          shard: '0',
          namespace,
          redisUrl,
          configFile,
          httpPort: '0',
          startFrom: 'earliest',
          blockMs: '20',
          latencyBudgetMs: '3600000',
          logLevel: 'warn',
        },
        {},
        () => undefined,
      ),
    );
    const ready = await eventually(
      '/readyz 200 (config, redis and both models loaded)',
      async () => {
        const res = await fetch(`${running?.url}/readyz`);
        return res.status === 200 ? await res.json() : undefined;
      },
      60_000,
    );
    expect(ready).toMatchObject({
      ready: true,
      generation: 1,
      strategies: config.strategies.length,
    });

    const instruments = [...new Set(config.strategies.flatMap((s) => s.instruments))];
    // Drawn for the examples' own names (with the suffixed ones, one suffix in many left a
    // strategy without a signal in 600 ticks).
    const tag = `-${suffix.toUpperCase()}`;
    const ticks = renamedMarket(
      instruments,
      instruments.map((i) => i.slice(0, -tag.length)),
      {
        seed: 3,
        startTs: 1_700_000_000_000,
        ticksPerInstrument: 600,
        params: marketParams({ edge: 0.3 }),
      },
    );
    await publishTicks(redis, ticks, { rate: 0 });
    await waitProcessed(redis, running.runner.keys.group, instruments, 60_000);

    const digests = new Map([...models].map(([name, m]) => [name, m.sha256]));
    let modelSignals = 0;
    for (const s of config.strategies) {
      const signals = await readSignals(redis, s.name);
      expect(signals.length, `${s.name} signals`).toBeGreaterThan(0);
      if (!s.model) continue;
      for (const sig of signals) {
        expect(sig.model).toBe(digests.get(s.model.name));
        expect(Number(sig.mlScore)).toBeGreaterThanOrEqual(0);
        expect(Number(sig.mlScore)).toBeLessThanOrEqual(1);
      }
      modelSignals += signals.length;
    }
    expect(modelSignals).toBeGreaterThan(0);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/flotilla_inference_batch_size_count\{model="[0-9a-f]{12}"\} [1-9]/);
    expect(metrics).toMatch(/flotilla_model_load_seconds_count\{model="[0-9a-f]{12}"\} 1/);
    expect(metrics).not.toMatch(/flotilla_model_fallbacks_total\{[^}]*\} [1-9]/);
  });
});
