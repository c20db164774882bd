// Signature checks of an artifact against its Model spec, table-driven on hand-built model info.
import { describe, expect, it } from 'vitest';
import type { ResolvedModel } from '../../../../operator/src/api/shard/shard-config.ts';
import type { OnnxModelInfo, OnnxValueInfo } from '../../../../runtime/src/inference/onnx-proto.ts';
import { checkSignature } from '../../../../runtime/src/inference/signature.ts';

const KEYS = ['ema_20', 'rsi_14', 'return_5'];

const spec = (overrides: Partial<ResolvedModel> = {}): ResolvedModel => ({
  name: 'm',
  uri: 'file:///models/m.onnx',
  sha256: 'ab'.repeat(32),
  inputs: KEYS,
  outputs: { name: 'probabilities', column: 1, kind: 'probability' },
  ...overrides,
});

const value = (name: string, elemType: number, dims?: (number | null)[]): OnnxValueInfo => ({
  name,
  elemType,
  dims,
});

function info(
  overrides: Partial<OnnxModelInfo> = {},
  metadata: Record<string, string> = {},
): OnnxModelInfo {
  return {
    metadata: new Map(
      Object.entries({ 'flotilla.feature_keys': JSON.stringify(KEYS), ...metadata }),
    ),
    inputs: [value('features', 1, [null, 3])],
    outputs: [value('label', 7, [null]), value('probabilities', 1, [null, 2])],
    nodes: [],
    initializers: new Set(),
    opsets: new Map(),
    ...overrides,
  };
}

describe('checkSignature', () => {
  it('accepts a matching model and returns what a run needs', () => {
    expect(checkSignature(spec(), info())).toEqual({
      input: 'features',
      width: 3,
      output: 'probabilities',
      column: 1,
      outputColumns: 2,
    });
  });

  it.each([
    { what: 'no feature-key metadata', i: info({ metadata: new Map() }) },
    {
      what: 'a symbolic width (checked by the warm-up run)',
      i: info({ inputs: [value('features', 1, [null, null])] }),
    },
    {
      what: 'no shapes at all',
      i: info({ inputs: [value('x', 1)], outputs: [value('probabilities', 11)] }),
    },
    {
      what: 'a matching feature-set hash',
      i: info({}, { 'flotilla.feature_set_hash': 'f'.repeat(16) }),
      s: { featureSetVersion: 'f'.repeat(16) },
    },
    {
      what: 'a 1-D output read at column 0',
      i: info({ outputs: [value('p', 1, [null])] }),
      s: { outputs: { name: 'p', column: 0, kind: 'score' as const } },
    },
  ])('accepts $what', ({ i, s }) => {
    expect(() => checkSignature(spec(s), i)).not.toThrow();
  });

  it.each([
    {
      what: 'input width',
      i: info({ inputs: [value('features', 1, [null, 4])] }),
      message: 'input width 4 does not match the 3 declared inputs [ema_20, rsi_14, return_5]',
    },
    {
      what: 'feature keys in another order',
      s: { inputs: ['rsi_14', 'ema_20', 'return_5'] },
      message:
        'the model was trained on features [ema_20, rsi_14, return_5] but spec.inputs is [rsi_14, ema_20, return_5] (first difference at column 0: ema_20 vs rsi_14)',
    },
    {
      what: 'a feature key missing at the end',
      i: info(
        { inputs: [value('features', 1, [null, null])] },
        { 'flotilla.feature_keys': '["ema_20","rsi_14"]' },
      ),
      message: 'first difference at column 2: (none) vs return_5',
    },
    {
      what: 'feature keys that are not JSON',
      i: info({}, { 'flotilla.feature_keys': 'ema_20,rsi_14' }),
      message: 'flotilla.feature_keys is not JSON: "ema_20,rsi_14"',
    },
    {
      what: 'a feature-set hash mismatch',
      i: info({}, { 'flotilla.feature_set_hash': '0'.repeat(16) }),
      s: { featureSetVersion: '1'.repeat(16) },
      message: `trained on feature set ${'0'.repeat(16)} but spec.featureSetVersion is ${'1'.repeat(16)}`,
    },
    {
      what: 'two inputs',
      i: info({ inputs: [value('a', 1, [null, 3]), value('b', 1, [null, 3])] }),
      message: 'the model takes 2 inputs (a, b); the runner feeds exactly one float32 [N, 3] input',
    },
    {
      what: 'a double input',
      i: info({ inputs: [value('features', 11, [null, 3])] }),
      message: 'input "features" is float64, not float32',
    },
    {
      what: 'a rank-3 input',
      i: info({ inputs: [value('features', 1, [null, 3, 1])] }),
      message: 'input "features" has shape [N, 3, 1], not [N, 3]',
    },
    {
      what: 'a missing output',
      s: { outputs: { name: 'output_probability', column: 1, kind: 'probability' as const } },
      message: 'no output "output_probability" (the model\'s outputs are: label, probabilities)',
    },
    {
      what: 'a column beyond the output',
      s: { outputs: { name: 'probabilities', column: 2, kind: 'probability' as const } },
      message: 'spec.outputs.column 2 is beyond the 2 columns of "probabilities"',
    },
    {
      what: 'an int64 output (labels)',
      s: { outputs: { name: 'label', column: 0, kind: 'score' as const } },
      message: 'output "label" is int64, not float32 (export without ZipMap)',
    },
  ])('refuses $what', ({ i, s, message }) => {
    let error: unknown;
    try {
      checkSignature(spec(s), i ?? info());
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'FLT_MODEL_SIGNATURE', reason: 'SignatureMismatch' });
    expect((error as Error).message).toMatch(
      /^model m@sha256:abababababab does not fit its spec: /,
    );
    expect((error as Error).message).toContain(message);
  });

  it('lists every problem in one message', () => {
    const i = info({ inputs: [value('features', 11, [null, 4])] });
    expect(() =>
      checkSignature(spec({ outputs: { name: 'x', column: 1, kind: 'probability' } }), i),
    ).toThrow(/float64, not float32; input width 4 .*; no output "x"/);
  });
});
