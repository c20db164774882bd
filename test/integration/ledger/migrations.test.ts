import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DAILY_PERFORMANCE_COLUMNS,
  DECISION_COLUMNS,
  EQUITY_POINT_COLUMNS,
  FILL_COLUMNS,
  OUTCOME_COLUMNS,
  PNL_EVENT_COLUMNS,
  SIGNAL_COLUMNS,
} from '../../../runtime/src/ledger/columns.ts';
import { appliedVersions, migrateLedger } from '../../../runtime/src/ledger/migrate.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../runtime/src/ledger/migrations/index.ts';
import { clickHouseClient, dropDatabase, uniqueDatabase } from './ledger-db.ts';

const client = clickHouseClient(inject('clickhouseUrl'));
const ALL_VERSIONS = MIGRATIONS.map((m) => m.version);
const databases: string[] = [];
const fresh = () => {
  const db = uniqueDatabase('migrate');
  databases.push(db);
  return db;
};

beforeAll(() => {
  expect(LATEST_SCHEMA_VERSION).toBeGreaterThan(0);
});
afterAll(async () => {
  for (const db of databases) await dropDatabase(client, db);
  await client.close();
});

async function columnsOf(db: string, table: string): Promise<string[]> {
  const result = await client.query({
    query: `DESCRIBE TABLE ${db}.${table}`,
    format: 'JSONEachRow',
  });
  return (await result.json<{ name: string }>()).map((c) => c.name);
}

describe('ledger migrations on ClickHouse 18.16', () => {
  it('build every table with the row types columns, in order, and record the version', async () => {
    const db = fresh();
    expect(await migrateLedger(client, db)).toEqual({
      applied: ALL_VERSIONS,
      version: LATEST_SCHEMA_VERSION,
    });
    expect(await appliedVersions(client, db)).toEqual(ALL_VERSIONS);
    const tables: [string, readonly string[]][] = [
      ['decisions', DECISION_COLUMNS],
      ['signals', SIGNAL_COLUMNS],
      ['fills', FILL_COLUMNS],
      ['pnl_events', PNL_EVENT_COLUMNS],
      ['equity_points', EQUITY_POINT_COLUMNS],
      ['outcomes', OUTCOME_COLUMNS],
      ['daily_performance', DAILY_PERFORMANCE_COLUMNS],
    ];
    for (const [table, columns] of tables)
      expect(await columnsOf(db, table), table).toEqual([...columns]);
  });

  it('are a no-op the second time', async () => {
    const db = fresh();
    await migrateLedger(client, db);
    expect(await migrateLedger(client, db)).toEqual({
      applied: [],
      version: LATEST_SCHEMA_VERSION,
    });
    const result = await client.query({
      query: `SELECT count() AS n FROM ${db}.schema_migrations`,
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ n: String(LATEST_SCHEMA_VERSION) }]);
  });

  it('refuse a database migrated by a newer program, and leave it alone', async () => {
    const db = fresh();
    await migrateLedger(client, db);
    await client.command({
      query: `INSERT INTO ${db}.schema_migrations (version, name, applied_ms) VALUES (${LATEST_SCHEMA_VERSION + 1}, 'from-the-future', 0)`,
    });
    await expect(migrateLedger(client, db)).rejects.toMatchObject({
      code: 'FLT_LEDGER_SCHEMA_NEWER',
      message: expect.stringContaining(`version ${LATEST_SCHEMA_VERSION + 1}`),
    });
    expect(await appliedVersions(client, db)).toEqual([...ALL_VERSIONS, LATEST_SCHEMA_VERSION + 1]);
  });

  it('report an unreachable server as FLT_LEDGER_CLICKHOUSE', async () => {
    const dead = clickHouseClient('http://127.0.0.1:9');
    try {
      await expect(migrateLedger(dead, fresh())).rejects.toMatchObject({
        code: 'FLT_LEDGER_CLICKHOUSE',
        message: expect.stringContaining('creating database'),
      });
    } finally {
      await dead.close();
    }
  });
});
