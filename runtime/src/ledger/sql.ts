// SQL text helpers. Query parameters ({x:String}) do not exist on ClickHouse 18.16, so values
// are inlined as literals: every value goes through `sqlString`/`sqlNumber`, every name through
// `sqlIdentifier`, and nothing else is ever concatenated into a statement.
import { ClickHouseError, LedgerError } from './errors.ts';
import { serverErrorCode } from './insert-failure.ts';

/** A ClickHouse string literal: backslash and quote escaped, control bytes as \xNN. */
export function sqlString(value: string): string {
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A finite number as a literal; anything else is a programming error. */
export function sqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A database name as written into statements: letters, digits and `_` only, not quoted. */
export function sqlIdentifier(name: string, what = 'database'): string {
  if (!IDENTIFIER.test(name)) {
    throw new LedgerError(
      'FLT_LEDGER_CONFIG',
      `${what} ${JSON.stringify(name)} is not a plain identifier: use letters, digits and _ (at most 63, not starting with a digit)`,
    );
  }
  return name;
}

/** Wraps a client failure into the ledger's ClickHouseError, naming what was being done. */
export function clickHouseFailure(doing: string, err: unknown): ClickHouseError {
  const serverCode = serverErrorCode(err);
  const reason = err instanceof Error ? err.message : String(err);
  return new ClickHouseError(`${doing}: ${reason}`, { cause: err, serverCode });
}
