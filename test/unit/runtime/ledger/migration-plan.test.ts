import { describe, expect, it } from 'vitest';
import {
  checkMigrationList,
  type Migration,
  pendingMigrations,
} from '../../../../runtime/src/ledger/migration-plan.ts';
import { MIGRATIONS } from '../../../../runtime/src/ledger/migrations/index.ts';

const m = (version: number, name = `m${version}`): Migration => ({
  version,
  name,
  statements: (db) => [`CREATE TABLE IF NOT EXISTS ${db}.${name} (x UInt8) ENGINE = Memory`],
});
const known = [m(1), m(2), m(3)];
const versions = (ms: Migration[]) => ms.map((x) => x.version);

describe('pendingMigrations', () => {
  it.each([
    ['a fresh database gets all, in order', [], [1, 2, 3]],
    ['a partly migrated one gets the rest', [1], [2, 3]],
    ['duplicate records count once', [1, 1, 2], [3]],
    ['a current one gets none', [1, 2, 3], []],
    ['record order does not matter', [2, 1], [3]],
  ])('%s', (_name, applied, expected) => {
    expect(versions(pendingMigrations(known, applied, 'db'))).toEqual(expected);
  });

  it('refuses a database migrated by a newer program, naming both versions', () => {
    expect(() => pendingMigrations(known, [1, 2, 3, 4], 'ledger')).toThrow(
      expect.objectContaining({
        code: 'FLT_LEDGER_SCHEMA_NEWER',
        message: expect.stringMatching(/ledger has ledger schema version 4; .* up to 3/),
      }),
    );
  });

  it('refuses a record with a gap', () => {
    expect(() => pendingMigrations(known, [1, 3], 'ledger')).toThrow(
      expect.objectContaining({ code: 'FLT_LEDGER_SCHEMA_GAP' }),
    );
  });
});

describe('checkMigrationList', () => {
  it.each([
    ['out of order', [m(2), m(1)], /version 2 at position 1/],
    ['a gap', [m(1), m(3)], /version 3 at position 2/],
    ['a reused name', [m(1, 'a'), m(2, 'a')], /name a is used twice/],
  ])('rejects a list %s', (_name, list, message) => {
    expect(() => checkMigrationList(list)).toThrow(message);
  });

  it('accepts the shipped list, whose statements are all idempotent', () => {
    expect(() => checkMigrationList(MIGRATIONS)).not.toThrow();
    for (const migration of MIGRATIONS) {
      for (const statement of migration.statements('db')) {
        // ADD COLUMN has no IF NOT EXISTS on 18.16: migrate.ts skips it when the column exists.
        expect(statement).toMatch(
          /^(CREATE (TABLE|VIEW|DATABASE) IF NOT EXISTS|DROP \w+ IF EXISTS|ALTER TABLE \w+\.\w+ ADD COLUMN \w+ )/,
        );
        expect(statement).not.toMatch(
          /DateTime64|LowCardinality|\bTTL\b|CODEC|\bOVER\s*\(|\bWITH\b|\{\w+:/,
        );
      }
    }
  });
});
