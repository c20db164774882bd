// Decision forensics: re-score a stored decision and show its scores are reproduced. See
// docs/reference/forensics.md.
export {
  chooseBackend,
  compareScores,
  RELATIVE_TOLERANCE,
  relativeDifference,
  type ScoreComparison,
} from './compare.ts';
export { checkDecisionId, DECISION_ID_PATTERN } from './decision-id.ts';
export { FORENSICS_ERROR_CODES, ForensicsError, type ForensicsErrorCode } from './errors.ts';
export {
  type DecisionExplanation,
  explainDecision,
  type ForensicsDeps,
  type RescoringModel,
} from './explain.ts';
export { formatExplanation, mismatchSummary } from './format-text.ts';
export { type KubeModelSourceOptions, kubeModelSource } from './kube-model-source.ts';
export { ledgerClient } from './ledger-client.ts';
export { cacheModelSource, type FoundModel, type ModelSource } from './model-source.ts';
export type { Backend, BackendScores, RescoreOptions } from './rescore.ts';
