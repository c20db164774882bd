// Which migrations to apply, decided from the known list and the versions a database records
// (pure). A migration never changes once released: a schema change is a new version.
import { LedgerError } from './errors.ts';

export interface Migration {
  /** 1, 2, 3, ... without gaps; the file name starts with it (`001-initial.ts`). */
  readonly version: number;
  readonly name: string;
  /**
   * The statements, in order, for database `db`. Each must be idempotent (`IF NOT EXISTS`,
   * `IF EXISTS`): ClickHouse has no transactions, so a migration cut short is run again whole.
   */
  statements(db: string): string[];
}

/** Checks the known list: versions 1..n in order, names unique. Throws on a broken list. */
export function checkMigrationList(migrations: readonly Migration[]): void {
  const names = new Set<string>();
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `migration ${m.name} has version ${m.version} at position ${i + 1}: versions must be 1..n in order`,
      );
    }
    if (names.has(m.name)) throw new Error(`migration name ${m.name} is used twice`);
    names.add(m.name);
  });
}

/**
 * The migrations still to apply to a database that records `applied`, in order. Refuses a
 * database migrated by a newer program (a version it does not know) and one whose record has a
 * gap (an applied version after a missing one): both mean its schema is not what this program
 * would build.
 */
export function pendingMigrations(
  known: readonly Migration[],
  applied: readonly number[],
  database: string,
): Migration[] {
  checkMigrationList(known);
  const done = new Set(applied);
  const latest = known.length;
  const newest = Math.max(0, ...done);
  if (newest > latest) {
    throw new LedgerError(
      'FLT_LEDGER_SCHEMA_NEWER',
      `database ${database} has ledger schema version ${newest}; this program knows versions up to ${latest}: run a Flotilla that knows version ${newest}, or use another database`,
    );
  }
  const firstMissing = known.find((m) => !done.has(m.version))?.version;
  if (firstMissing !== undefined && newest > firstMissing) {
    throw new LedgerError(
      'FLT_LEDGER_SCHEMA_GAP',
      `database ${database} records ledger migration ${newest} but not ${firstMissing}: inspect ${database}.schema_migrations`,
    );
  }
  return known.filter((m) => !done.has(m.version));
}
