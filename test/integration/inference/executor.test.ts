// The registry as the executor's PredictorProvider: strategies with a loaded model are scored by
// onnxruntime in a worker thread and record its digest; a strategy whose model was refused
// falls back to its rule score, counted, and records no digest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureStore } from '../../../runtime/src/features/feature-store.ts';
import { ModelRegistry } from '../../../runtime/src/inference/index.ts';
import { encodeTick } from '../../../runtime/src/ingest/tick-format.ts';
import { Executor, type StreamBatch } from '../../../runtime/src/strategy/executor.ts';
import { modelSpec } from '../../fixtures/models/models.ts';
import { shardConfig, shardStrategy } from '../../fixtures/shard.ts';

const INSTRUMENT = 'BTC-USD';
const FEATURES = [
  { name: 'return' as const, window: 5 },
  { name: 'ema' as const, window: 20 },
  { name: 'rsi' as const, window: 14 },
  { name: 'zscore' as const, window: 50 },
  { name: 'macd' as const, fast: 12, slow: 26, signal: 9 },
];

function ticks(n: number): StreamBatch {
  const entries = Array.from({ length: n }, (_, i) => ({
    id: `${1_000 + i}-0`,
    fields: encodeTick({
      ts: 1_000 + i,
      price: 100 + 3 * Math.sin(i / 7) + (i % 5) / 10,
      volume: 1,
    }),
  }));
  return { instrument: INSTRUMENT, stream: `ticks:${INSTRUMENT}`, entries };
}

let cacheDir: string;
let registry: ModelRegistry;
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'flotilla-executor-'));
  registry = new ModelRegistry({ cacheDir, workers: 1, linearMaxRows: 0, retryMs: 60_000 });
});
afterAll(async () => {
  await registry.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('the executor scoring through the registry', () => {
  it('uses the loaded model, and the rule score for a refused one', async () => {
    const good = modelSpec('direction-gbt');
    const refused = { ...modelSpec('direction-mlp'), uri: modelSpec('direction-logreg').uri };
    const config = shardConfig([
      shardStrategy('ml', {
        features: FEATURES,
        model: good,
        decision: { ...shardStrategy('x').decision, blendWeight: 1 },
      }),
      shardStrategy('refused', { features: FEATURES, model: refused }),
    ]);
    registry.sync([good, refused]);
    await registry.settled();
    expect(registry.status().map((s) => [s.name, s.state, s.reason])).toEqual([
      ['direction-gbt', 'ready', undefined],
      ['direction-mlp', 'failed', 'ChecksumMismatch'],
    ]);

    const executor = new Executor({ features: new FeatureStore(), predictors: registry });
    executor.apply(config);
    const r = await executor.process([ticks(300)]);

    const perStrategy = r.decisions / 2;
    expect(perStrategy).toBeGreaterThan(100);
    expect(r.fallbacks.get(refused.sha256)).toBe(perStrategy);
    expect(r.fallbacks.has(good.sha256)).toBe(false);
    const digests = (name: string) =>
      new Set(r.signals.filter((s) => s.strategy === name).map((s) => s.modelDigest));
    expect(digests('ml')).toEqual(new Set([good.sha256]));
    expect([...digests('refused')].every((d) => d === '')).toBe(true);
  });
});
