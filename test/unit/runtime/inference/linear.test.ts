// The pure-TypeScript linear path: which graphs it takes, and its arithmetic. (Agreement with
// onnxruntime on real models is in test/integration/inference/golden.test.ts.)
import { describe, expect, it } from 'vitest';
import { extractLinear, LinearScorer, logistic } from '../../../../runtime/src/inference/linear.ts';
import { readOnnxModel } from '../../../../runtime/src/inference/onnx-proto.ts';
import { checkSignature } from '../../../../runtime/src/inference/signature.ts';
import {
  type Fixture,
  golden,
  goldenBatch,
  modelBytes,
  modelSpec,
} from '../../../fixtures/models/models.ts';

const extract = (file: Fixture, column = 1, kind: 'probability' | 'score' = 'probability') => {
  const spec = modelSpec(file, { outputs: { name: 'probabilities', column, kind } });
  const info = readOnnxModel(modelBytes(file));
  return extractLinear(info, checkSignature(spec, info), kind);
};

describe('extractLinear', () => {
  it.each([
    ['direction-logreg', true],
    ['direction-logreg-b', true],
    ['direction-logreg-nometa', true],
    ['direction-gbt', false],
    ['direction-mlp', false],
  ] as const)('%s: linear path %s', (file, linear) => {
    expect(extract(file) !== undefined).toBe(linear);
  });

  it('reproduces the trainer on its golden rows (float64 vs float32 arithmetic: within 1e-6)', () => {
    const scorer = extract('direction-logreg') as LinearScorer;
    const g = golden('direction-logreg');
    const scores = scorer.score(goldenBatch(g), g.rows.length);
    const diff = Math.max(...g.rows.map((r, i) => Math.abs(r.probability - (scores[i] as number))));
    expect(diff).toBeLessThan(1e-6);
  });

  it('reads the other column as the complement for a binary classifier', () => {
    const g = golden('direction-logreg');
    const p1 = (extract('direction-logreg', 1) as LinearScorer).score(goldenBatch(g), 3);
    const p0 = (extract('direction-logreg', 0) as LinearScorer).score(goldenBatch(g), 3);
    for (let i = 0; i < 3; i++) expect((p0[i] as number) + (p1[i] as number)).toBeCloseTo(1, 6);
  });
});

describe('LinearScorer', () => {
  it.each([
    { post: false, kind: false, want: (z: number) => z },
    { post: true, kind: false, want: logistic },
    { post: true, kind: true, want: (z: number) => logistic(logistic(z)) },
  ])('post logistic $post, kind score $kind', ({ post, kind, want }) => {
    const s = new LinearScorer(Float64Array.of(2, -1), 0.5, post, kind);
    const out = s.score(Float32Array.of(1, 1, 0, 3), 2);
    expect([...out]).toEqual([want(1.5), want(-2.5)]);
  });
});
