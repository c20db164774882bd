// Errors of the inference layer: fetching model artifacts, checking them, and running them in
// onnxruntime. Codes are registered in docs/reference/errors.md through operator/src/api/docs.ts;
// never reuse one. Every message names the model (name and digest) and the reason.

import { ModelReason } from '../../../operator/src/api/v1alpha1/model.ts';
import { FlotillaError } from '../../../operator/src/errors.ts';

export const INFERENCE_ERROR_CODES = {
  FLT_MODEL_UNREACHABLE:
    'A model artifact could not be fetched (connection refused, HTTP error, missing file, too large, timeout). Check the Model spec.uri from the runner pod; the runner retries with backoff and keeps scoring with the previous model or the rule score meanwhile.',
  FLT_MODEL_CHECKSUM:
    'The artifact at the model URI does not have the sha256 the Model declares. Publish the right file or fix spec.sha256; the artifact is never used.',
  FLT_MODEL_SIGNATURE:
    "The model's input or output does not fit its Model spec (input width or feature keys, output tensor or column, feature-set hash). Retrain on the declared features or fix spec.inputs / spec.outputs.",
  FLT_MODEL_INVALID:
    'The artifact is not an ONNX model onnxruntime-node can load (bad protobuf, unsupported operator or opset). Re-export it with the Flotilla trainer.',
  FLT_ONNX:
    'An onnxruntime run failed, timed out or lost its worker thread. The rows fall back to the rule score; repeated failures open the model breaker until a probe run succeeds.',
  FLT_INFERENCE_REJECTED:
    'Rows were not scored: the model queue was full, its breaker was open, or the model was unloaded. They fall back to the rule score (counted); raise the queue limit or add inference workers if this persists.',
} as const;

export type InferenceErrorCode = keyof typeof INFERENCE_ERROR_CODES;

/** Why a model could not be loaded; the reasons are the Model condition reasons. */
export type LoadFailureReason =
  | typeof ModelReason.Unreachable
  | typeof ModelReason.ChecksumMismatch
  | typeof ModelReason.SignatureMismatch
  | typeof ModelReason.InvalidArtifact;

const REASON_OF: Record<string, LoadFailureReason> = {
  FLT_MODEL_UNREACHABLE: ModelReason.Unreachable,
  FLT_MODEL_CHECKSUM: ModelReason.ChecksumMismatch,
  FLT_MODEL_SIGNATURE: ModelReason.SignatureMismatch,
  FLT_MODEL_INVALID: ModelReason.InvalidArtifact,
};

/** `name@sha256:0123456789ab`: how messages name a model. */
export const modelLabel = (name: string, digest: string) => `${name}@sha256:${digest.slice(0, 12)}`;

/** Fetching an artifact (http, https, file) failed. */
export class ModelFetchError extends FlotillaError {
  readonly reason: LoadFailureReason = ModelReason.Unreachable;
  constructor(message: string, options?: { cause?: unknown }) {
    super('FLT_MODEL_UNREACHABLE', message, options);
  }
}

/** The artifact itself is wrong: checksum, signature, or not loadable. */
export class ModelArtifactError extends FlotillaError {
  readonly reason: LoadFailureReason;
  constructor(
    code: 'FLT_MODEL_CHECKSUM' | 'FLT_MODEL_SIGNATURE' | 'FLT_MODEL_INVALID',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.reason = REASON_OF[code] ?? ModelReason.InvalidArtifact;
  }
}

/** onnxruntime failed: a session run threw, timed out, or its worker thread died. */
export class OnnxError extends FlotillaError {
  readonly timeout: boolean;
  constructor(message: string, options?: { cause?: unknown; timeout?: boolean }) {
    super('FLT_ONNX', message, options);
    this.timeout = options?.timeout ?? false;
  }
}

export type RejectReason = 'backpressure' | 'breaker-open' | 'not-loaded' | 'unloaded';

/** Rows refused before any run: the caller falls back to its rule score. */
export class InferenceRejectedError extends FlotillaError {
  readonly reason: RejectReason;
  constructor(reason: RejectReason, message: string) {
    super('FLT_INFERENCE_REJECTED', message);
    this.reason = reason;
  }
}

/** The Model condition reason for a load failure (InvalidArtifact for anything unexpected). */
export function loadFailureReason(err: unknown): LoadFailureReason {
  if (err instanceof ModelFetchError || err instanceof ModelArtifactError) return err.reason;
  return ModelReason.InvalidArtifact;
}
