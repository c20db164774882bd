// Errors of decision forensics (`flotilla decision ID`, GET /v1/decisions/:id). Codes are
// registered in docs/reference/errors.md through operator/src/api/docs.ts; never reuse one.
import { FlotillaError } from '../../../operator/src/errors.ts';

export const FORENSICS_ERROR_CODES = {
  FLT_DECISION_ID:
    'The decision id is malformed. A decision id is the 32 lowercase hex characters the runner put in the signal and the ledger.',
  FLT_DECISION_NOT_FOUND:
    'No decision with this id is in the ledger database. Check the id, the ClickHouse URL and --database (default flotilla).',
  FLT_DECISION_MODEL_MISSING:
    "The artifact of the decision's model digest was found in none of the places looked (the message lists them). Point --model-cache at a directory holding <sha256>.onnx, or --namespace at the namespace whose Model has that spec.sha256.",
  FLT_DECISION_FEATURES:
    "The stored decision cannot be fed to its model: a model input has no stored feature value, or the artifact does not say its input order and the Model spec is not available. Re-score with the Model's namespace (--namespace).",
  FLT_DECISION_MISMATCH:
    'The re-scored decision differs from the stored one beyond the tolerance: the stored features, model digest or blend weight do not reproduce the stored scores. The output shows both values and their difference.',
} as const;

export type ForensicsErrorCode = keyof typeof FORENSICS_ERROR_CODES;

export class ForensicsError extends FlotillaError {
  constructor(code: ForensicsErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
