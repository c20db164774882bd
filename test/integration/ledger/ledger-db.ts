// A fresh, migrated ledger database per test on a given ClickHouse, and raw counts for checks.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { migrateLedger } from '../../../runtime/src/ledger/migrate.ts';

/** The settings the runner's client uses: both engines quote 64-bit integers the same way. */
export const CLIENT_SETTINGS = { output_format_json_quote_64bit_integers: 1 } as const;

export function clickHouseClient(url: string): ClickHouseClient {
  // The writer logs insert failures itself; the client's own error log would only repeat them.
  return createClient({
    url,
    clickhouse_settings: CLIENT_SETTINGS,
    log: { level: ClickHouseLogLevel.OFF },
  });
}

export function uniqueDatabase(prefix = 'ledger'): string {
  return `${prefix}_${randomUUID().replaceAll('-', '')}`;
}

/** Creates a uniquely named database with the ledger schema; returns its name. */
export async function migratedDatabase(client: ClickHouseClient): Promise<string> {
  const db = uniqueDatabase();
  await migrateLedger(client, db);
  return db;
}

export async function dropDatabase(client: ClickHouseClient, db: string): Promise<void> {
  await client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
}

/** Rows of `table` after FINAL (each key once) and distinct ids, to check "exactly once". */
export async function finalCount(
  client: ClickHouseClient,
  db: string,
  table: string,
  key = 'id',
): Promise<{ rows: number; distinct: number }> {
  const result = await client.query({
    query: `SELECT count() AS rows, uniqExact(${key}) AS distinct FROM ${db}.${table} FINAL`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ rows: string; distinct: string }>();
  return { rows: Number(row?.rows), distinct: Number(row?.distinct) };
}

export async function tempSpoolDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'flotilla-test-spool-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
