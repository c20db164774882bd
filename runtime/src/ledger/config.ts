// Settings of the ledger writer: batching, spool bounds, retries. The runner's flags map onto
// these one to one (docs/reference/ledger.md "Config").
import type { FieldError } from '../../../operator/src/api/validation/messages.ts';
import { ValidationError } from '../../../operator/src/errors.ts';

export interface LedgerWriterConfig {
  /** Database of the ledger tables (letters, digits, `_`). @default flotilla */
  readonly database: string;
  /** Directory of the local spool; one writer per directory. */
  readonly spoolDir: string;
  /** A batch is flushed once it holds this many rows. @default 5000 */
  readonly maxBatchRows: number;
  /** ...or this long after its first row arrived, ms. @default 250 */
  readonly flushIntervalMs: number;
  /** Bound of the spool on disk; when reached the writer applies back-pressure. @default 268435456 (256 MiB) */
  readonly spoolMaxBytes: number;
  /** Size at which a spool segment is closed and a new one started. @default 8388608 (8 MiB) */
  readonly spoolSegmentBytes: number;
  /** An insert taking longer than this counts as failed (and is spooled), ms. @default 10000 */
  readonly insertTimeoutMs: number;
  /** First wait before replaying the spool after a failure, doubling per failure, ms. @default 250 */
  readonly retryInitialMs: number;
  /** Longest wait between replay attempts, ms. @default 5000 */
  readonly retryMaxMs: number;
}

export type LedgerWriterConfigInput = Partial<LedgerWriterConfig> & { spoolDir: string };

export const DEFAULT_LEDGER_WRITER_CONFIG: Omit<LedgerWriterConfig, 'spoolDir'> = Object.freeze({
  database: 'flotilla',
  maxBatchRows: 5_000,
  flushIntervalMs: 250,
  spoolMaxBytes: 256 * 1024 * 1024,
  spoolSegmentBytes: 8 * 1024 * 1024,
  insertTimeoutMs: 10_000,
  retryInitialMs: 250,
  retryMaxMs: 5_000,
});

/** The defaults with `input` applied, validated and frozen; throws ValidationError (FLT_INVALID_SPEC). */
export function resolveLedgerWriterConfig(input: LedgerWriterConfigInput): LedgerWriterConfig {
  const config: LedgerWriterConfig = { ...DEFAULT_LEDGER_WRITER_CONFIG, ...input };
  const errors = ledgerWriterConfigProblems(config);
  if (errors.length > 0) throw new ValidationError('ledger writer config', errors);
  return Object.freeze(config);
}

/** Every field that breaks its limit, with the limit; empty when the config is valid. */
export function ledgerWriterConfigProblems(c: LedgerWriterConfig): FieldError[] {
  const errors: FieldError[] = [];
  const int = (path: keyof LedgerWriterConfig, min: number, max: number) => {
    const x = c[path];
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min || x > max)
      errors.push({ path, message: `${String(x)} is not an integer in [${min}, ${max}]` });
  };
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(c.database))
    errors.push({
      path: 'database',
      message: `${JSON.stringify(c.database)} is not letters, digits and _ (at most 63, not starting with a digit)`,
    });
  if (c.spoolDir === '') errors.push({ path: 'spoolDir', message: 'is required' });
  int('maxBatchRows', 1, 1_000_000);
  int('flushIntervalMs', 1, 60_000);
  int('spoolMaxBytes', 64 * 1024, 2 ** 40);
  int('spoolSegmentBytes', 4 * 1024, 2 ** 30);
  int('insertTimeoutMs', 100, 600_000);
  int('retryInitialMs', 1, 600_000);
  int('retryMaxMs', 1, 600_000);
  if (c.retryMaxMs < c.retryInitialMs)
    errors.push({
      path: 'retryMaxMs',
      message: `${c.retryMaxMs} is below retryInitialMs (${c.retryInitialMs})`,
    });
  if (c.spoolSegmentBytes > c.spoolMaxBytes)
    errors.push({
      path: 'spoolSegmentBytes',
      message: `${c.spoolSegmentBytes} is above spoolMaxBytes (${c.spoolMaxBytes})`,
    });
  return errors;
}
