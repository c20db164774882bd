// Hot swap under load: 100 callers score continuously while the model behind one name is swapped
// between two artifacts every few milliseconds. No call fails, and every score matches the
// artifact whose digest came with it (the two models score the probe rows differently).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';
import { ModelRegistry } from '../../../runtime/src/inference/index.ts';
import { type Fixture, golden, modelSpec } from '../../fixtures/models/models.ts';

const CALLERS = 100;
const DURATION_MS = 1_500;

let cacheDir: string;
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'flotilla-swap-'));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Two artifacts under one model name, and the rows to probe them with (A's golden rows). */
function contenders(a: 'direction-mlp' | 'direction-logreg', b: Fixture) {
  const specA = modelSpec(a, { name: 'direction' });
  const specB = modelSpec(b, { name: 'direction' });
  const ga = golden(a);
  const rows = ga.rows.map((r) => Float32Array.from(r.features));
  return { specA, specB, ga, rows };
}

interface Tally {
  results: number;
  failed: number;
  wrong: number;
  noPredictor: number;
  byDigest: Map<string, number>;
  errors: string[];
}

async function runLoad(
  registry: ModelRegistry,
  specs: [ResolvedModel, ResolvedModel],
  rows: Float32Array[],
  expected: Map<string, number[]>,
): Promise<{ tally: Tally; swaps: number }> {
  const tally: Tally = {
    results: 0,
    failed: 0,
    wrong: 0,
    noPredictor: 0,
    byDigest: new Map(),
    errors: [],
  };
  let current = specs[0];
  let stop = false;
  const check = (digest: string, row: number, score: number | undefined) => {
    tally.results++;
    tally.byDigest.set(digest, (tally.byDigest.get(digest) ?? 0) + 1);
    const want = expected.get(digest)?.[row];
    if (want === undefined || score === undefined || Math.abs(score - want) > 1e-6) tally.wrong++;
  };
  const caller = async (i: number) => {
    while (!stop) {
      // One call per turn of the event loop, as a strategy scores once per read batch (the
      // linear path answers synchronously: without this the callers would starve the swapper).
      await setImmediate();
      const row = i % rows.length;
      try {
        if (i % 2 === 0) {
          // As the executor does: get a predictor, score with it, record its digest.
          const p = registry.get(current);
          if (!p) {
            tally.noPredictor++;
            await sleep(1);
            continue;
          }
          const scores = await p.score(rows[row] as Float32Array, 1);
          check(p.digest, row, scores[0]);
        } else {
          const { digest, scores } = await registry.score(current, rows[row] as Float32Array, 1);
          check(digest, row, scores[0]);
        }
      } catch (err) {
        tally.failed++;
        if (tally.errors.length < 5) tally.errors.push((err as Error).message);
      }
    }
  };
  let swaps = 0;
  const swapper = async () => {
    const end = performance.now() + DURATION_MS;
    while (performance.now() < end) {
      current = current === specs[0] ? specs[1] : specs[0];
      registry.sync([current]);
      await registry.settled();
      if (registry.status()[0]?.serving === current.sha256) swaps++;
      await sleep(2);
    }
    stop = true;
  };
  await Promise.all([swapper(), ...Array.from({ length: CALLERS }, (_, i) => caller(i))]);
  return { tally, swaps };
}

describe.each([
  {
    pair: 'mlp and gbt through onnxruntime',
    a: 'direction-mlp',
    b: 'direction-gbt',
    linearMaxRows: 0,
  },
  {
    pair: 'two logistic regressions on the linear path',
    a: 'direction-logreg',
    b: 'direction-logreg-b',
    linearMaxRows: undefined,
  },
] as const)('swapping $pair every few ms under load', ({ a, b, linearMaxRows }) => {
  it(`${CALLERS} callers: zero failed calls, zero scores from the wrong model`, async () => {
    const { specA, specB, ga, rows } = contenders(a, b);
    const registry = new ModelRegistry({ cacheDir, workers: 2, linearMaxRows });
    try {
      // Expected scores per digest: each model alone, scored once before the load starts.
      registry.sync([specA, specB]);
      await registry.settled();
      const batch = Float32Array.from(ga.rows.flatMap((r) => r.features));
      const expected = new Map<string, number[]>();
      for (const spec of [specA, specB]) {
        const { digest, scores } = await registry.score(spec, batch, rows.length);
        expected.set(digest, [...scores]);
      }
      const [sa, sb] = [expected.get(specA.sha256), expected.get(specB.sha256)] as number[][];
      const distinct = rows.filter((_, i) => Math.abs((sa?.[i] ?? 0) - (sb?.[i] ?? 0)) > 1e-3);
      expect(distinct.length).toBeGreaterThan(rows.length * 0.8);
      registry.sync([specA]);
      await registry.settled();

      const { tally, swaps } = await runLoad(registry, [specA, specB], rows, expected);

      expect(tally.errors).toEqual([]);
      expect(tally.failed).toBe(0);
      expect(tally.wrong).toBe(0);
      expect(tally.noPredictor).toBe(0);
      expect(swaps).toBeGreaterThanOrEqual(20);
      expect(tally.byDigest.get(specA.sha256)).toBeGreaterThan(CALLERS);
      expect(tally.byDigest.get(specB.sha256)).toBeGreaterThan(CALLERS);
      // Every retired artifact was released once its calls drained: one session per worker.
      await sleep(50);
      expect(registry.draining).toBe(0);
      expect(registry.pool.sessions()).toEqual([1, 1]);
    } finally {
      await registry.close();
    }
  });
});
