// Errors of the shard planner. Codes are registered in docs/reference/errors.md through
// operator/src/api/docs.ts; never reuse one.
import { FlotillaError } from '../errors.ts';

export const SHARDING_ERROR_CODES = {
  FLT_SHARD_LIMIT:
    'The shard planner was given more strategies than shard capacity × shard limit, and assigned none. The operator leaves such overflow out before planning (their status says ShardLimit), so this means a caller of the planner skipped that step.',
  FLT_SHARD_INPUT:
    'The shard planner was given input it cannot plan: a capacity or shard limit that is not a positive integer (the limit is at most 1000), or two strategies with the same name. The message names the value; fix the operator flag it comes from.',
} as const;

export type ShardingErrorCode = keyof typeof SHARDING_ERROR_CODES;

/** The fleet cannot be planned as asked; nothing is assigned. */
export class PlanError extends FlotillaError {
  constructor(code: ShardingErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
