// What a decision id looks like (runtime/src/strategy/decision-id.ts): checked before any query,
// so a malformed id is a 400, not a lookup that finds nothing.
import { ForensicsError } from './errors.ts';

export const DECISION_ID_PATTERN = /^[0-9a-f]{32}$/;

export function checkDecisionId(id: string): string {
  if (!DECISION_ID_PATTERN.test(id))
    throw new ForensicsError(
      'FLT_DECISION_ID',
      `${JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}...` : id)} is not a decision id: expected 32 lowercase hex characters`,
    );
  return id;
}
