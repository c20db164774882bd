// The trainer's golden rows, scored through the registry, the micro-batcher and onnxruntime-node
// in worker threads, agree with the trainer's own predictions for every model family.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../../runtime/src/inference/index.ts';
import { type Fixture, golden, goldenBatch, modelSpec } from '../../fixtures/models/models.ts';

const TOLERANCE = 1e-5;
const KINDS = ['direction-logreg', 'direction-gbt', 'direction-mlp'] as const;

let cacheDir: string;
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'flotilla-golden-'));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function maxDiff(scores: ArrayLike<number>, file: (typeof KINDS)[number]): number {
  const g = golden(file);
  expect(scores.length).toBe(g.rows.length);
  return Math.max(...g.rows.map((r, i) => Math.abs((scores[i] as number) - r.probability)));
}

describe.each([
  { path: 'onnxruntime only', linearMaxRows: 0, workers: 2 },
  { path: 'default (linear path for small calls)', linearMaxRows: undefined, workers: 1 },
])('golden rows, $path', ({ linearMaxRows, workers }) => {
  let registry: ModelRegistry;
  const specs = KINDS.map((f) => modelSpec(f as Fixture));

  beforeAll(async () => {
    registry = new ModelRegistry({ cacheDir, workers, linearMaxRows });
    registry.sync(specs);
    await registry.settled();
    expect(registry.status().map((s) => s.state)).toEqual(['ready', 'ready', 'ready']);
  });
  afterAll(() => registry.close());

  it.each(KINDS)('%s: one batch of every golden row', async (file) => {
    const spec = modelSpec(file);
    const g = golden(file);
    const { digest, scores } = await registry.score(spec, goldenBatch(g), g.rows.length);
    expect(digest).toBe(spec.sha256);
    expect(maxDiff(scores, file)).toBeLessThanOrEqual(TOLERANCE);
  });

  it.each(KINDS)('%s: one concurrent call per row, coalesced by the batcher', async (file) => {
    const spec = modelSpec(file);
    const g = golden(file);
    const predictor = registry.get(spec);
    expect(predictor?.digest).toBe(spec.sha256);
    const results = await Promise.all(
      g.rows.map(async (r) => (await predictor?.score(Float32Array.from(r.features), 1))?.[0]),
    );
    expect(maxDiff(results as number[], file)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('uses the linear path only for the logistic regression, only when enabled', () => {
    const linear = Object.fromEntries(registry.status().map((s) => [s.name, s.linear]));
    expect(linear).toEqual({
      'direction-logreg': linearMaxRows !== 0,
      'direction-gbt': false,
      'direction-mlp': false,
    });
  });
});

describe('batches larger than maxBatchRows', () => {
  it('are split into runs and reassembled in order', async () => {
    const batches: number[] = [];
    const metrics = {
      batch: (_model: string, rows: number) => batches.push(rows),
      load: () => {},
      rejected: () => {},
    };
    const registry = new ModelRegistry({ cacheDir, maxBatchRows: 7, linearMaxRows: 0, metrics });
    try {
      const spec = modelSpec('direction-gbt');
      registry.sync([spec]);
      await registry.settled();
      const g = golden('direction-gbt');
      const { scores } = await registry.score(spec, goldenBatch(g), g.rows.length);
      expect(maxDiff(scores, 'direction-gbt')).toBeLessThanOrEqual(TOLERANCE);
      expect(batches).toEqual([7, 7, 7, 7, 7, 7, 7, 1]);
    } finally {
      await registry.close();
    }
  });
});
