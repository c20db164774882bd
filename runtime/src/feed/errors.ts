// Errors of `flotilla feed`. Each has a stable code (never reused) and a message that says what
// to fix; the CLI prints code and message without a stack trace.
import { FlotillaError } from '../../../operator/src/errors.ts';

export const FEED_ERROR_CODES = {
  FLT_FEED_CONFIG:
    'A `flotilla feed` option is invalid. Fix the option the message names (it gives the limit).',
  FLT_FEED_CSV:
    'A tick CSV file has bad rows; nothing was published. Fix each line and field the message names.',
  FLT_FEED_REDIS:
    'Publishing ticks to Redis failed. Check --redis-url and that the server is up; ticks counted as published before the failure are in their streams.',
} as const;

export type FeedErrorCode = keyof typeof FEED_ERROR_CODES;

export class FeedError extends FlotillaError {
  constructor(code: FeedErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
