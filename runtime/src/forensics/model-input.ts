// What the model is fed when a decision is re-scored: the Model spec the runner had (or, for a
// bare artifact, one built from the artifact's own metadata and the Model defaults) and the
// feature row in the model's input order, taken from the stored features by key. Pure.
import { Value } from 'typebox/value';
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';
import { ModelOutputs } from '../../../operator/src/api/v1alpha1/model.ts';
import type { OnnxModelInfo } from '../inference/onnx-proto.ts';
import { META_FEATURE_KEYS } from '../inference/signature.ts';
import type { DecisionRow } from '../ledger/records.ts';
import { ForensicsError } from './errors.ts';
import type { FoundModel } from './model-source.ts';

/** The name a bare artifact is loaded under (messages then read `artifact@sha256:0123...`). */
export const BARE_ARTIFACT_NAME = 'artifact';

/** The input order the trainer wrote into the artifact (flotilla.feature_keys), if any. */
export function artifactFeatureKeys(info: OnnxModelInfo): string[] | undefined {
  const raw = info.metadata.get(META_FEATURE_KEYS);
  if (raw === undefined) return undefined;
  try {
    const keys: unknown = JSON.parse(raw);
    if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) return keys;
  } catch {
    // not JSON: treated as absent
  }
  return undefined;
}

/**
 * The spec to load the artifact with: the source's Model when it has one; otherwise the
 * artifact's recorded input order (or the decision's feature keys when the input is exactly
 * that wide) and the Model's default outputs (column 1 of `probabilities`, a probability).
 */
export function rescoringSpec(
  decision: DecisionRow,
  found: FoundModel,
  info: OnnxModelInfo,
): ResolvedModel {
  const digest = decision.model_digest;
  if (found.spec) return { ...found.spec, sha256: digest };
  const width = info.inputs.length === 1 ? info.inputs[0]?.dims?.[1] : undefined;
  const keys =
    artifactFeatureKeys(info) ??
    (width === decision.feature_keys.length ? [...decision.feature_keys] : undefined);
  if (keys === undefined)
    throw new ForensicsError(
      'FLT_DECISION_FEATURES',
      `the artifact ${found.from} does not record its input order (${META_FEATURE_KEYS}) and is ${width ?? 'of unknown'} columns wide, not the ${decision.feature_keys.length} stored features: re-score with the Model's namespace so its spec.inputs give the order`,
    );
  return {
    name: BARE_ARTIFACT_NAME,
    uri: 'file:///unused',
    sha256: digest,
    inputs: keys,
    outputs: Value.Default(ModelOutputs, {}) as ResolvedModel['outputs'],
  };
}

/**
 * One float32 row of the model's inputs, each taken from the stored feature of the same key: the
 * row the runner built (its features in the strategy's order, mapped to the model's by key, and
 * narrowed to float32 as ModelBatch.addRow does).
 */
export function modelRow(decision: DecisionRow, inputs: readonly string[]): Float32Array {
  const at = new Map(decision.feature_keys.map((k, i) => [k, i]));
  const missing = inputs.filter((k) => !at.has(k));
  if (missing.length > 0)
    throw new ForensicsError(
      'FLT_DECISION_FEATURES',
      `decision ${decision.id} stores no value for model input${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (stored features: ${decision.feature_keys.join(', ')})`,
    );
  return Float32Array.from(inputs, (k) => decision.feature_values[at.get(k) as number] as number);
}
