// The minimal ONNX protobuf reader, on the trainer's fixture models.
import { describe, expect, it } from 'vitest';
import { readOnnxModel } from '../../../../runtime/src/inference/onnx-proto.ts';
import { FEATURE_KEYS, modelBytes } from '../../../fixtures/models/models.ts';

describe('readOnnxModel', () => {
  it.each([
    { file: 'direction-logreg', ops: ['Scaler', 'LinearClassifier'], ml: 1 },
    { file: 'direction-gbt', ops: ['TreeEnsembleClassifier', 'Identity', 'Identity'], ml: 3 },
  ] as const)('$file: input, outputs, nodes, opsets and metadata', ({ file, ops, ml }) => {
    const info = readOnnxModel(modelBytes(file));
    expect(info.inputs).toEqual([{ name: 'features', elemType: 1, dims: [null, 5] }]);
    expect(info.outputs).toEqual([
      { name: 'label', elemType: 7, dims: [null] },
      { name: 'probabilities', elemType: 1, dims: [null, 2] },
    ]);
    expect(info.nodes.map((n) => n.opType)).toEqual(ops);
    expect(info.opsets.get('ai.onnx.ml')).toBe(ml);
    expect(JSON.parse(info.metadata.get('flotilla.feature_keys') ?? '')).toEqual(FEATURE_KEYS);
  });

  it('reads node attributes: floats, ints and strings', () => {
    const clf = readOnnxModel(modelBytes('direction-logreg')).nodes[1];
    const a = clf?.attributes;
    expect(a?.get('coefficients')?.floats).toHaveLength(10);
    expect(a?.get('intercepts')?.floats).toHaveLength(2);
    expect(a?.get('classlabels_ints')?.ints).toEqual([0, 1]);
    expect(a?.get('post_transform')?.s).toBe('LOGISTIC');
    expect(a?.get('multi_class')?.i).toBe(0);
    expect(clf?.domain).toBe('ai.onnx.ml');
  });

  it('leaves out initializers from the inputs (MLP weights are initializers)', () => {
    const info = readOnnxModel(modelBytes('direction-mlp'));
    expect(info.initializers.has('coefficient')).toBe(true);
    expect(info.inputs.map((i) => i.name)).toEqual(['features']);
  });

  it('has no metadata for the -nometa copy', () => {
    expect(readOnnxModel(modelBytes('direction-logreg-nometa')).metadata.size).toBe(0);
  });

  it.each([
    { what: 'JSON text', bytes: new TextEncoder().encode('{"a": 1}'), error: /wire type/ },
    {
      what: 'a truncated model',
      bytes: modelBytes('direction-mlp').subarray(0, 300),
      error: /past its message|truncated/,
    },
    { what: 'no graph', bytes: Uint8Array.of(0x08, 0x07), error: /no graph/ },
  ])('throws on $what', ({ bytes, error }) => {
    expect(() => readOnnxModel(bytes)).toThrow(error);
  });
});
