// The inference layer: model registry (fetch, verify, load, hot swap), onnxruntime worker pool,
// micro-batcher, breakers and the pure-TypeScript linear path. See docs/reference/inference.md.
export { defaultCacheDir, obtainArtifact, sha256Hex } from './artifact.ts';
export type { BreakerState } from './breaker.ts';
export {
  INFERENCE_ERROR_CODES,
  InferenceRejectedError,
  type LoadFailureReason,
  ModelArtifactError,
  ModelFetchError,
  OnnxError,
  type RejectReason,
} from './errors.ts';
export {
  defaultWorkers,
  type InferenceEvent,
  type InferenceMetricsSink,
  type InferenceOptions,
  resolveInferenceOptions,
} from './options.ts';
export {
  ModelRegistry,
  type ModelState,
  type ModelStatus,
  type Scored,
  type ShadowScores,
} from './registry.ts';
