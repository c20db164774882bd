// How a re-scored value is compared with the stored one. Pure.
//
// Equal within a relative tolerance, not exactly: ClickHouse 18.16 parses about 8% of Float64
// values to a neighbouring double (one ulp, a relative error near 1.1e-16), on the stored scores
// and on the feature values fed back to the model alike. 1e-9 is far above that and far below
// what a different model, feature value or blend weight changes.
import type { Backend, BackendScores } from './rescore.ts';

/** Largest accepted |stored - rescored| / max(|stored|, |rescored|). */
export const RELATIVE_TOLERANCE = 1e-9;

export interface ScoreComparison {
  /** null: no score (no model, or the model fell back to the rule score). */
  stored: number | null;
  rescored: number | null;
  /** stored - rescored; null when either is missing. */
  difference: number | null;
  /** |stored - rescored| / max(|stored|, |rescored|), 0 when equal; null when either is missing. */
  relativeDifference: number | null;
  /** Both missing, or both present and within the tolerance. */
  match: boolean;
}

export function relativeDifference(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

export function compareScores(
  stored: number | null,
  rescored: number | null,
  tolerance = RELATIVE_TOLERANCE,
): ScoreComparison {
  if (stored === null || rescored === null)
    return {
      stored,
      rescored,
      difference: null,
      relativeDifference: null,
      match: stored === rescored,
    };
  const rel = relativeDifference(stored, rescored);
  return {
    stored,
    rescored,
    difference: stored - rescored,
    relativeDifference: rel,
    match: rel <= tolerance,
  };
}

/**
 * The backend whose score stands for the model: the first of linear, onnxruntime that matches
 * the stored score; with no match, the one the runner uses for small calls (linear if any).
 */
export function chooseBackend(
  stored: number | null,
  scores: BackendScores,
  tolerance = RELATIVE_TOLERANCE,
): { backend: Backend; score: number } {
  const candidates: { backend: Backend; score: number }[] = [];
  if (scores.linear !== undefined) candidates.push({ backend: 'linear', score: scores.linear });
  candidates.push({ backend: 'onnx', score: scores.onnx });
  const matching = candidates.find((c) => compareScores(stored, c.score, tolerance).match);
  return matching ?? (candidates[0] as { backend: Backend; score: number });
}
