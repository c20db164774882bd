// Decision forensics: reads a decision from the ledger, finds its model by digest, re-scores the
// stored features through the runner's inference code and recomputes the final score with the
// runner's blend, then says whether both equal what was stored.
import type { ClickHouseClient } from '@clickhouse/client';
import { ModelArtifactError } from '../inference/errors.ts';
import { type OnnxModelInfo, readOnnxModel } from '../inference/onnx-proto.ts';
import { getDecision } from '../ledger/queries/decisions.ts';
import type { DecisionRow } from '../ledger/records.ts';
import { blendScores } from '../strategy/scores.ts';
import {
  chooseBackend,
  compareScores,
  RELATIVE_TOLERANCE,
  type ScoreComparison,
} from './compare.ts';
import { checkDecisionId } from './decision-id.ts';
import { ForensicsError } from './errors.ts';
import { modelRow, rescoringSpec } from './model-input.ts';
import type { FoundModel, ModelSource } from './model-source.ts';
import { type Backend, type BackendScores, type RescoreOptions, scoreRow } from './rescore.ts';

export interface ForensicsDeps {
  /** A client created with output_format_json_quote_64bit_integers: 1 (see ledger-client.ts). */
  client: ClickHouseClient;
  database: string;
  /** Tried in order; the first that has the digest wins. */
  models: readonly ModelSource[];
  inference?: RescoreOptions;
}

/** The model that re-scored the decision. */
export interface RescoringModel {
  digest: string;
  /** The Model object that describes it; null for a bare artifact from the cache. */
  name: string | null;
  /** Where the artifact was found. */
  from: string;
  /** Its inputs, in order: the stored features fed to it. */
  inputs: string[];
  /** The path whose score is reported (see chooseBackend), that score, and each path's. */
  backend: Backend;
  score: number;
  scores: BackendScores;
}

export interface DecisionExplanation {
  decision: DecisionRow;
  /** null when the decision was made without a model score (no model, or a rule fallback). */
  model: RescoringModel | null;
  rescored: { mlScore: number | null; finalScore: number };
  matches: { ml: boolean; final: boolean };
  differences: { ml: ScoreComparison; final: ScoreComparison };
  tolerance: { relative: number };
}

export async function explainDecision(
  deps: ForensicsDeps,
  id: string,
): Promise<DecisionExplanation> {
  checkDecisionId(id);
  const decision = await getDecision(deps.client, deps.database, id);
  if (!decision)
    throw new ForensicsError(
      'FLT_DECISION_NOT_FOUND',
      `decision ${id} is not in ${deps.database}.decisions: check the id and the database`,
    );
  const model = decision.model_digest === '' ? null : await rescoreModel(deps, decision);
  const mlScore = model ? model.score : null;
  // The runner's blend, then its row form (a non-finite final score is stored as 0).
  const blended = blendScores(
    decision.rule_score ?? Number.NaN,
    mlScore ?? Number.NaN,
    decision.blend_weight,
  );
  const finalScore = Number.isFinite(blended) ? blended : 0;
  const ml = compareScores(decision.ml_score, mlScore);
  const final = compareScores(decision.final_score, finalScore);
  return {
    decision,
    model,
    rescored: { mlScore, finalScore },
    matches: { ml: ml.match, final: final.match },
    differences: { ml, final },
    tolerance: { relative: RELATIVE_TOLERANCE },
  };
}

async function rescoreModel(deps: ForensicsDeps, decision: DecisionRow): Promise<RescoringModel> {
  const found = await findModel(deps.models, decision);
  const spec = rescoringSpec(decision, found, readArtifact(found));
  const scores = await scoreRow(spec, found.bytes, modelRow(decision, spec.inputs), deps.inference);
  const { backend, score } = chooseBackend(decision.ml_score, scores);
  return {
    digest: decision.model_digest,
    name: found.spec ? spec.name : null,
    from: found.from,
    inputs: [...spec.inputs],
    backend,
    score,
    scores,
  };
}

function readArtifact(found: FoundModel): OnnxModelInfo {
  try {
    return readOnnxModel(found.bytes);
  } catch (err) {
    throw new ModelArtifactError(
      'FLT_MODEL_INVALID',
      `${found.from} is not an ONNX model: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

async function findModel(
  sources: readonly ModelSource[],
  decision: DecisionRow,
): Promise<FoundModel> {
  const digest = decision.model_digest;
  const looked: string[] = [];
  let firstError: unknown;
  for (const source of sources) {
    try {
      const found = await source.find(digest);
      if (found) return found;
      looked.push(`${source.where}: not there`);
    } catch (err) {
      firstError ??= err;
      looked.push(`${source.where}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new ForensicsError(
    'FLT_DECISION_MODEL_MISSING',
    `decision ${decision.id} was scored by model sha256 ${digest}, whose artifact was not found (${looked.length === 0 ? 'no model source was given' : `looked in ${looked.join('; ')}`}): put ${digest}.onnx in the model cache, or look in the namespace of a Model with that spec.sha256`,
    { cause: firstError },
  );
}
