// Errors of `flotilla dataset` and `flotilla train`. Each has a stable code (never reused) and
// a message that says what to fix; the CLI prints code and message without a stack trace.
import { FlotillaError } from '../../../operator/src/errors.ts';

export const DATASET_ERROR_CODES = {
  FLT_DATASET_CONFIG:
    'A `flotilla dataset` option is invalid. Fix the option the message names (it gives the limit).',
  FLT_DATASET_INPUT:
    'The ticks cannot make a training dataset (too few ticks for the warm-up and the label horizon, or ticks out of time order); nothing was written. Use more ticks or a shorter horizon, or fix the order the message names.',
  FLT_DATASET_LEDGER:
    'The ledger cannot make one training dataset: no decision in the range has an outcome, or the decisions do not share one feature list, or they were scored with other feature implementations than this runtime has; nothing was written. Narrow the export with --strategy, --from and --to as the message says.',
  FLT_DATASET_WRITE:
    'Writing the dataset file failed; nothing was left at the output path. Check that its directory exists and is writable.',
  FLT_TRAINER_NOT_INSTALLED:
    "`flotilla train` could not find the trainer's Python environment. Run `make trainer-setup` (or set FLOTILLA_TRAINER_PYTHON to a Python that has flotilla_trainer installed).",
} as const;

export type DatasetErrorCode = keyof typeof DATASET_ERROR_CODES;

export class DatasetError extends FlotillaError {
  constructor(code: DatasetErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
