// `flotilla decision ID` as a user runs it (node cli/main.ts): output and exit codes.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../../cli/local-kube.ts';
import { ledgerClient } from '../../../runtime/src/forensics/ledger-client.ts';
import { migrateLedger } from '../../../runtime/src/ledger/migrate.ts';
import type { DecisionRow } from '../../../runtime/src/ledger/records.ts';
import { dropDatabase, uniqueDatabase } from '../ledger/ledger-db.ts';
import { insertDecisions, modelCache, removeDir, scoredDecisions } from './ledger-fixture.ts';

const clickhouseUrl = inject('clickhouseUrl');
const client = ledgerClient(clickhouseUrl);
let database: string;
let cacheDir: string;
let emptyCache: string;
let row: DecisionRow;
const TAMPERED = 'c'.repeat(32);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function flotilla(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(REPO_ROOT, 'cli/main.ts'), ...args],
      { env: { ...process.env, CLICKHOUSE_URL: '', ...env }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
  }
}

const decision = (id: string, ...more: string[]) => [
  'decision',
  id,
  '--clickhouse-url',
  clickhouseUrl,
  '--database',
  database,
  ...more,
];

beforeAll(async () => {
  database = uniqueDatabase('forensics_cli');
  await migrateLedger(client, database);
  cacheDir = modelCache(['direction-lr']);
  emptyCache = modelCache([]);
  [row] = (await scoredDecisions('direction-lr', 1)) as [DecisionRow];
  const tampered = { ...row, id: TAMPERED, ml_score: (row.ml_score as number) * 1.001 };
  await insertDecisions(client, database, [row, tampered]);
});

afterAll(async () => {
  await dropDatabase(client, database);
  await client.close();
  removeDir(cacheDir);
  removeDir(emptyCache);
});

describe('flotilla decision', () => {
  it('prints the record and a ✓ line per score, and exits 0 when they are reproduced', async () => {
    const run = await flotilla(decision(row.id, '--model-cache', cacheDir));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`decision ${row.id}`);
    expect(run.stdout).toMatch(/strategy +direction-lr-default \(generation 4\)/);
    expect(run.stdout).toMatch(new RegExp(`instrument +${row.instrument}`));
    expect(run.stdout).toMatch(/rsi_14 +[-0-9.e]+\n/);
    expect(run.stdout).toMatch(/action +(long|short) 1/);
    expect(run.stdout).toMatch(/^re-scored: ml [0-9.]+ = [0-9.]+ ✓/m);
    expect(run.stdout).toMatch(/^re-scored: final [0-9.]+ = [0-9.]+ ✓/m);
  });

  it('prints JSON with --output json, the CLICKHOUSE_URL from the environment', async () => {
    const run = await flotilla(
      ['decision', row.id, '--database', database, '--model-cache', cacheDir, '--output', 'json'],
      { CLICKHOUSE_URL: clickhouseUrl },
    );
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(body.matches).toEqual({ ml: true, final: true });
    expect(body.decision.id).toBe(row.id);
  });

  it('exits 1 with FLT_DECISION_MISMATCH when a stored score is not reproduced', async () => {
    const run = await flotilla(decision(TAMPERED, '--model-cache', cacheDir));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^re-scored: ml [0-9.]+ ≠ [0-9.]+ ✗/m);
    expect(run.stderr).toContain(
      `flotilla: FLT_DECISION_MISMATCH: decision ${TAMPERED} does not re-score to its stored scores: ml score stored`,
    );
  });

  it.each([
    [
      'an unknown id',
      () => decision('2'.repeat(32), '--model-cache', cacheDir),
      'FLT_DECISION_NOT_FOUND',
    ],
    [
      'a missing model',
      () => decision(row.id, '--model-cache', emptyCache),
      'FLT_DECISION_MODEL_MISSING',
    ],
    ['a malformed id', () => decision('nope', '--model-cache', cacheDir), 'FLT_DECISION_ID'],
    ['no ClickHouse URL', () => ['decision', row.id], 'FLT_INVALID_SPEC'],
  ])('exits 1 with the code of %s, without a stack trace', async (_name, args, code) => {
    const run = await flotilla(args());
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^flotilla: ${code}: `));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
