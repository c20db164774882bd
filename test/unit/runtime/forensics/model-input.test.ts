import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../cli/local-kube.ts';
import { modelRow, rescoringSpec } from '../../../../runtime/src/forensics/model-input.ts';
import type { FoundModel } from '../../../../runtime/src/forensics/model-source.ts';
import { readOnnxModel } from '../../../../runtime/src/inference/onnx-proto.ts';
import { FEATURE_KEYS, modelBytes, modelSpec } from '../../../fixtures/models/models.ts';
import { decision } from '../ledger/fixtures.ts';

const EXAMPLE_KEYS = [
  'return_5',
  'return_20',
  'ema_20',
  'rsi_14',
  'zscore_50',
  'volatility_20',
  'macd_12_26_9',
  'rangePosition_50',
];
const exampleBytes = new Uint8Array(
  readFileSync(join(REPO_ROOT, 'examples/models/direction-lr/direction-lr.onnx')),
);
const bare = (bytes: Uint8Array): FoundModel => ({ bytes, spec: undefined, from: '/cache/x.onnx' });
const DIGEST = 'c'.repeat(64);

describe('rescoringSpec', () => {
  it("takes the source's Model spec when it has one, with the decision's digest", () => {
    const spec = modelSpec('direction-logreg', { inputs: ['rsi_14', 'ema_20'] });
    const found = { bytes: modelBytes('direction-logreg'), spec, from: 'Model x' };
    const info = readOnnxModel(found.bytes);
    expect(rescoringSpec(decision({ model_digest: DIGEST }), found, info)).toEqual({
      ...spec,
      sha256: DIGEST,
    });
  });

  it('reads the input order of a bare artifact from its flotilla.feature_keys', () => {
    const d = decision({ model_digest: DIGEST, feature_keys: ['ema_20'], feature_values: [1] });
    const spec = rescoringSpec(d, bare(exampleBytes), readOnnxModel(exampleBytes));
    expect(spec.inputs).toEqual(EXAMPLE_KEYS);
    expect(spec.sha256).toBe(DIGEST);
    expect(spec.name).toBe('artifact');
    // The Model defaults: column 1 of `probabilities`, already a probability.
    expect(spec.outputs).toEqual({ name: 'probabilities', column: 1, kind: 'probability' });
  });

  it('uses the stored feature order for an artifact without metadata that is exactly as wide', () => {
    const bytes = modelBytes('direction-logreg-nometa');
    const d = decision({ feature_keys: [...FEATURE_KEYS], feature_values: [1, 2, 3, 4, 5] });
    expect(rescoringSpec(d, bare(bytes), readOnnxModel(bytes)).inputs).toEqual(FEATURE_KEYS);
  });

  it('refuses an artifact without metadata whose width differs from the stored features', () => {
    const bytes = modelBytes('direction-logreg-nometa');
    const d = decision({ feature_keys: ['ema_20', 'rsi_14'], feature_values: [1, 2] });
    expect(() => rescoringSpec(d, bare(bytes), readOnnxModel(bytes))).toThrow(
      expect.objectContaining({
        code: 'FLT_DECISION_FEATURES',
        message: expect.stringContaining('5 columns wide, not the 2 stored features'),
      }),
    );
  });
});

describe('modelRow', () => {
  it("puts the stored values in the model's input order, narrowed to float32", () => {
    const d = decision({ feature_keys: ['a', 'b', 'c'], feature_values: [0.1, 2, -3.5] });
    const row = modelRow(d, ['c', 'a']);
    expect(row).toBeInstanceOf(Float32Array);
    expect([...row]).toEqual([-3.5, Math.fround(0.1)]);
  });

  it('names every model input the decision stores no value for', () => {
    const d = decision({ feature_keys: ['a'], feature_values: [1] });
    expect(() => modelRow(d, ['a', 'b', 'c'])).toThrow(
      expect.objectContaining({
        code: 'FLT_DECISION_FEATURES',
        message: expect.stringContaining('model inputs b, c (stored features: a)'),
      }),
    );
  });
});
