// Whether a failed insert is worth spooling and retrying (pure). Connection failures, timeouts and
// a busy or stopping server are transient: the rows go to the spool and are replayed. An answer
// that the rows themselves are bad would fail forever, so it is permanent: the rows are refused
// and their ticks stay unacknowledged instead of clogging the spool.
import { ClickHouseError as ClientError } from '@clickhouse/client';

export type InsertFailure = 'transient' | 'permanent';

/**
 * ClickHouse error codes that say the request itself is wrong (bad data, unknown table or column,
 * syntax). Every other server error is taken as transient, so an unforeseen one delays rows
 * rather than refusing them.
 */
const PERMANENT_SERVER_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '16', // NO_SUCH_COLUMN_IN_TABLE
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '43', // ILLEGAL_TYPE_OF_ARGUMENT
  '47', // UNKNOWN_IDENTIFIER
  '48', // NOT_IMPLEMENTED
  '53', // TYPE_MISMATCH
  '60', // UNKNOWN_TABLE
  '62', // SYNTAX_ERROR
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER
  '81', // UNKNOWN_DATABASE
  '117', // INCORRECT_DATA
  '130', // CANNOT_READ_ARRAY_FROM_TEXT
  '349', // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
]);

export function classifyInsertFailure(err: unknown): InsertFailure {
  const code = serverErrorCode(err);
  // No server code: socket errors (ECONNREFUSED, ECONNRESET), timeouts, aborts, the unknown.
  return code !== undefined && PERMANENT_SERVER_CODES.has(code) ? 'permanent' : 'transient';
}

/**
 * The ClickHouse error code of a failure the server answered, else undefined. The client parses
 * modern messages ("Code: 60. DB::Exception: ...") into its ClickHouseError, but not 18.16's
 * ("Code: 60, e.displayText() = DB::Exception: ..."), which arrive as a plain Error.
 */
export function serverErrorCode(err: unknown): string | undefined {
  if (err instanceof ClientError) return err.code;
  if (err instanceof Error) return /^Code: (\d+)[.,]/.exec(err.message)?.[1];
  return undefined;
}
