// Errors of the runner. Codes are registered in docs/reference/errors.md through
// operator/src/api/docs.ts; never reuse one.
import { FlotillaError } from '../../operator/src/errors.ts';

export const RUNTIME_ERROR_CODES = {
  FLT_REDIS:
    'A Redis command of the runner failed. Check --redis-url and the server; the runner retries, and unacknowledged ticks are read again.',
} as const;

/** A Redis command failed; `cause` holds the client's error. */
export class RedisError extends FlotillaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FLT_REDIS', message, options);
  }
}
