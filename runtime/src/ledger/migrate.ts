// Applies the ledger migrations to a database and records each in `schema_migrations`. Safe to
// run again (a no-op once current) and from several runners at once (every statement is
// idempotent, and the record table collapses duplicate versions).
//
// ClickHouse 18.16 has no `ADD COLUMN IF NOT EXISTS`, so an `ALTER TABLE db.t ADD COLUMN c ...`
// is made idempotent here: skipped when system.columns has the column, and a failure ignored when
// the column exists afterwards (a runner migrating at the same time added it first).
import type { ClickHouseClient } from '@clickhouse/client';
import { type Migration, pendingMigrations } from './migration-plan.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { clickHouseFailure, sqlIdentifier, sqlNumber, sqlString } from './sql.ts';

export interface MigrationResult {
  /** Versions applied by this call, in order (empty when the schema was current). */
  applied: number[];
  /** The database's schema version afterwards. */
  version: number;
}

export async function migrateLedger(
  client: ClickHouseClient,
  database: string,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
): Promise<MigrationResult> {
  const db = sqlIdentifier(database);
  await run(client, `CREATE DATABASE IF NOT EXISTS ${db}`, `creating database ${db}`);
  await run(
    client,
    `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (version UInt32, name String, applied_ms UInt64) ENGINE = ReplacingMergeTree ORDER BY version`,
    `creating ${db}.schema_migrations`,
  );
  const pending = pendingMigrations(migrations, await appliedVersions(client, db), db);
  for (const migration of pending) {
    for (const statement of migration.statements(db)) {
      await runStatement(client, statement, `migration ${migration.version}-${migration.name}`);
    }
    await run(
      client,
      `INSERT INTO ${db}.schema_migrations (version, name, applied_ms) VALUES (${sqlNumber(migration.version)}, ${sqlString(migration.name)}, ${sqlNumber(now())})`,
      `recording migration ${migration.version}`,
    );
  }
  return { applied: pending.map((m) => m.version), version: migrations.length };
}

/** Versions recorded in the database's `schema_migrations`, ascending. */
export async function appliedVersions(
  client: ClickHouseClient,
  database: string,
): Promise<number[]> {
  const db = sqlIdentifier(database);
  try {
    const result = await client.query({
      query: `SELECT DISTINCT version FROM ${db}.schema_migrations ORDER BY version`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ version: number | string }>();
    return rows.map((r) => Number(r.version));
  } catch (err) {
    throw clickHouseFailure(`reading ${db}.schema_migrations`, err);
  }
}

const ADD_COLUMN = /^ALTER TABLE (\w+)\.(\w+) ADD COLUMN (\w+) /;

async function runStatement(
  client: ClickHouseClient,
  statement: string,
  doing: string,
): Promise<void> {
  const add = ADD_COLUMN.exec(statement);
  if (!add) return run(client, statement, doing);
  const [, database = '', table = '', column = ''] = add;
  if (await columnExists(client, database, table, column)) return;
  try {
    await run(client, statement, doing);
  } catch (err) {
    if (!(await columnExists(client, database, table, column))) throw err;
  }
}

async function columnExists(
  client: ClickHouseClient,
  database: string,
  table: string,
  column: string,
): Promise<boolean> {
  try {
    const result = await client.query({
      query: `SELECT count() AS n FROM system.columns WHERE database = ${sqlString(database)} AND table = ${sqlString(table)} AND name = ${sqlString(column)}`,
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ n: number | string }>();
    return Number(row?.n) > 0;
  } catch (err) {
    throw clickHouseFailure(`reading the columns of ${database}.${table}`, err);
  }
}

async function run(client: ClickHouseClient, query: string, doing: string): Promise<void> {
  try {
    await client.command({ query });
  } catch (err) {
    throw clickHouseFailure(doing, err);
  }
}
