// Errors of the API layer shared by both programs. Each has a stable code (never reused),
// a message that says what to do, and a cause. docs/reference/errors.md lists every code.
import type { FieldError } from './api/validation/messages.ts';

export class FlotillaError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A manifest or config failed its schema or CEL rules; `errors` name each field and limit. */
export class ValidationError extends FlotillaError {
  readonly errors: FieldError[];
  constructor(subject: string, errors: FieldError[]) {
    super(
      'FLT_INVALID_SPEC',
      `${subject} is invalid:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`,
    );
    this.errors = errors;
  }
}

/** A YAML document could not be parsed; the message names the file, document and position. */
export class ManifestParseError extends FlotillaError {
  constructor(message: string) {
    super('FLT_MANIFEST_PARSE', message);
  }
}

/** The program runs on a Node.js older than the project supports. */
export const UNSUPPORTED_NODE = 'FLT_UNSUPPORTED_NODE';

export const ERROR_CODES = {
  FLT_INVALID_SPEC:
    'A Flotilla object or config failed validation. Fix each field the message names.',
  FLT_MANIFEST_PARSE: 'A YAML manifest could not be parsed. Fix the syntax at the position given.',
  FLT_REFERENCE:
    'An object refers to another that is missing or does not fit (e.g. a model input the strategy does not declare).',
  FLT_LOCAL_KUBE_MISSING:
    'The embedded Kubernetes binary is not built. Run `make kube` (about 10 minutes the first time, cached after).',
  FLT_LOCAL_NO_CLUSTER:
    'No local cluster has been started in that directory. Start one with `flotilla local cluster up --dir D`.',
  [UNSUPPORTED_NODE]:
    'Node.js is older than 22. Run through `make` or `npx`, which use the pinned Node 24.',
} as const;

/** Codes the Python trainer raises (trainer/src/flotilla_trainer/errors.py; a test keeps them in step). */
export const TRAINER_ERROR_CODES = {
  FLT_TRAIN_DATASET:
    'The training dataset breaks the dataset contract (a missing column or metadata key, a NaN, no rows, one label only). Re-export it with `flotilla dataset` or fix the column named.',
  FLT_TRAIN_ARGUMENT:
    'A trainer argument is out of range or unknown. Fix the flag the message names.',
  FLT_TRAIN_EXPORT:
    "The ONNX export does not reproduce the trained model (or breaks the runtime's input or output contract). Report it with the algorithm and library versions in the message.",
} as const;
