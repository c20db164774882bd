// Errors of the ledger (ClickHouse tables, writer, spool). Codes are registered in
// docs/reference/errors.md through operator/src/api/docs.ts; never reuse one.
import { FlotillaError } from '../../../operator/src/errors.ts';

export const LEDGER_ERROR_CODES = {
  FLT_LEDGER_CLICKHOUSE:
    'A ClickHouse statement of the ledger failed. Check the ClickHouse URL and the server; the message has the server error.',
  FLT_LEDGER_SCHEMA_NEWER:
    'The ledger database was migrated by a newer Flotilla than this one. Run the newer version, or point this one at another database.',
  FLT_LEDGER_SCHEMA_GAP:
    'The ledger database records migrations with a gap (a later version applied, an earlier one missing). Inspect `schema_migrations` in that database; it was not written by Flotilla alone.',
  FLT_LEDGER_REJECTED:
    'ClickHouse rejected ledger rows as invalid (not a connection problem), so they were neither written nor spooled and their ticks stay unacknowledged. Fix the rows or the schema the message names (run the migrations if a table is missing).',
  FLT_LEDGER_SPOOL:
    'The local spool could not be read or written (disk full, permissions, a corrupt segment). Check the spool directory; rows whose write failed stay unacknowledged.',
  FLT_LEDGER_BATCH_TOO_LARGE:
    'One ledger batch is larger than the whole spool, so it could not be spooled while ClickHouse is unreachable. Raise the spool size or lower the batch size.',
  FLT_LEDGER_CLOSED:
    'The ledger writer was closed before these rows were durable; they stay unacknowledged and are read again after a restart.',
  FLT_LEDGER_CONFIG: 'A ledger setting is out of range. Fix the setting the message names.',
} as const;

export type LedgerErrorCode = Exclude<keyof typeof LEDGER_ERROR_CODES, 'FLT_LEDGER_CLICKHOUSE'>;

/** A ledger invariant, spool or configuration problem; `code` says which. */
export class LedgerError extends FlotillaError {
  constructor(code: LedgerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * A ClickHouse statement failed; `cause` holds the client's error and `serverCode` the
 * ClickHouse error code when the server answered (e.g. '60' for an unknown table).
 */
export class ClickHouseError extends FlotillaError {
  readonly serverCode: string | undefined;
  constructor(message: string, options?: { cause?: unknown; serverCode?: string }) {
    super('FLT_LEDGER_CLICKHOUSE', message, options);
    this.serverCode = options?.serverCode;
  }
}
