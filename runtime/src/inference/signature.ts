// Checks a model artifact against its Model spec before it is loaded: one float32 input as wide
// as the declared feature list (and named alike when the artifact records its feature keys), and
// the declared output tensor and column. Pure: tested table-driven.
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';
import { ModelArtifactError, modelLabel } from './errors.ts';
import { ELEM_DOUBLE, ELEM_FLOAT, type OnnxModelInfo, type OnnxValueInfo } from './onnx-proto.ts';

/** metadata_props keys the Flotilla trainer writes. */
export const META_FEATURE_KEYS = 'flotilla.feature_keys';
export const META_FEATURE_SET_HASH = 'flotilla.feature_set_hash';

const ELEM_NAMES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
};
const elemName = (t: number) => ELEM_NAMES[t] ?? (t === 0 ? 'not a tensor' : `type ${t}`);
const shape = (v: OnnxValueInfo) => `[${(v.dims ?? []).map((d) => d ?? 'N').join(', ')}]`;

/** What a run needs to know about the model, once checked. */
export interface ModelSignature {
  input: string;
  width: number;
  output: string;
  column: number;
  /** Columns of the output tensor when the artifact declares them. */
  outputColumns: number | undefined;
}

function featureKeyProblem(model: ResolvedModel, raw: string): string | undefined {
  let keys: unknown;
  try {
    keys = JSON.parse(raw);
  } catch {
    return `${META_FEATURE_KEYS} is not JSON: ${JSON.stringify(raw.slice(0, 80))}`;
  }
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string'))
    return `${META_FEATURE_KEYS} is not a JSON array of strings`;
  const declared = model.inputs;
  if (keys.length === declared.length && keys.every((k, i) => k === declared[i])) return undefined;
  let at = 0;
  while (at < Math.max(keys.length, declared.length) && keys[at] === declared[at]) at++;
  return (
    `the model was trained on features [${keys.join(', ')}] but spec.inputs is ` +
    `[${declared.join(', ')}] (first difference at column ${at}: ` +
    `${keys[at] ?? '(none)'} vs ${declared[at] ?? '(none)'})`
  );
}

function inputProblems(model: ResolvedModel, info: OnnxModelInfo): string[] {
  const width = model.inputs.length;
  if (info.inputs.length !== 1)
    return [
      `the model takes ${info.inputs.length} inputs (${info.inputs.map((i) => i.name).join(', ')}); the runner feeds exactly one float32 [N, ${width}] input`,
    ];
  const input = info.inputs[0] as OnnxValueInfo;
  const problems: string[] = [];
  if (input.elemType !== ELEM_FLOAT)
    problems.push(`input "${input.name}" is ${elemName(input.elemType)}, not float32`);
  if (input.dims !== undefined) {
    const cols = input.dims[1];
    if (input.dims.length !== 2)
      problems.push(`input "${input.name}" has shape ${shape(input)}, not [N, ${width}]`);
    else if (typeof cols === 'number' && cols !== width)
      problems.push(
        `input width ${cols} does not match the ${width} declared inputs [${model.inputs.join(', ')}]`,
      );
  }
  const keys = info.metadata.get(META_FEATURE_KEYS);
  const keyProblem = keys === undefined ? undefined : featureKeyProblem(model, keys);
  if (keyProblem) problems.push(keyProblem);
  const hash = info.metadata.get(META_FEATURE_SET_HASH);
  if (model.featureSetVersion && hash && hash !== model.featureSetVersion)
    problems.push(
      `the model was trained on feature set ${hash} but spec.featureSetVersion is ${model.featureSetVersion}`,
    );
  return problems;
}

function outputProblems(model: ResolvedModel, info: OnnxModelInfo): string[] {
  const { name, column } = model.outputs;
  const out = info.outputs.find((o) => o.name === name);
  if (!out)
    return [
      `no output "${name}" (the model's outputs are: ${info.outputs.map((o) => o.name).join(', ')})`,
    ];
  const problems: string[] = [];
  if (out.elemType !== ELEM_FLOAT && out.elemType !== ELEM_DOUBLE)
    problems.push(
      `output "${name}" is ${elemName(out.elemType)}, not float32 (export without ZipMap)`,
    );
  if (out.dims !== undefined) {
    const cols = out.dims[1];
    if (out.dims.length === 1 && column !== 0)
      problems.push(`output "${name}" has one column, spec.outputs.column is ${column}`);
    else if (out.dims.length === 2 && typeof cols === 'number' && column >= cols)
      problems.push(`spec.outputs.column ${column} is beyond the ${cols} columns of "${name}"`);
    else if (out.dims.length < 1 || out.dims.length > 2)
      problems.push(`output "${name}" has shape ${shape(out)}, not [N] or [N, k]`);
  }
  return problems;
}

/**
 * The checked signature, or a ModelArtifactError (FLT_MODEL_SIGNATURE) listing every problem.
 * A missing flotilla.feature_keys is tolerated (only the width is checked then); a symbolic
 * width or column count is checked by the warm-up run instead.
 */
export function checkSignature(model: ResolvedModel, info: OnnxModelInfo): ModelSignature {
  const problems = [...inputProblems(model, info), ...outputProblems(model, info)];
  if (problems.length > 0)
    throw new ModelArtifactError(
      'FLT_MODEL_SIGNATURE',
      `model ${modelLabel(model.name, model.sha256)} does not fit its spec: ${problems.join('; ')}`,
    );
  const input = info.inputs[0] as OnnxValueInfo;
  const out = info.outputs.find((o) => o.name === model.outputs.name);
  const cols = out?.dims?.length === 2 ? out.dims[1] : out?.dims?.length === 1 ? 1 : undefined;
  return {
    input: input.name,
    width: model.inputs.length,
    output: model.outputs.name,
    column: model.outputs.column,
    outputColumns: typeof cols === 'number' ? cols : undefined,
  };
}
