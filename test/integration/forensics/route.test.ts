// GET /v1/decisions/:id on the runner's app (buildApp + decisionsRoute), against ClickHouse 18.16.
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DecisionExplanation } from '../../../runtime/src/forensics/explain.ts';
import { ledgerClient } from '../../../runtime/src/forensics/ledger-client.ts';
import { cacheModelSource } from '../../../runtime/src/forensics/model-source.ts';
import { migrateLedger } from '../../../runtime/src/ledger/migrate.ts';
import type { DecisionRow } from '../../../runtime/src/ledger/records.ts';
import { buildApp } from '../../../runtime/src/server/app.ts';
import { decisionsRoute } from '../../../runtime/src/server/decisions-route.ts';
import { dropDatabase, uniqueDatabase } from '../ledger/ledger-db.ts';
import { insertDecisions, modelCache, removeDir, scoredDecisions } from './ledger-fixture.ts';

const client = ledgerClient(inject('clickhouseUrl'));
let database: string;
let cacheDir: string;
let app: FastifyInstance;
let row: DecisionRow;

beforeAll(async () => {
  database = uniqueDatabase('forensics_route');
  await migrateLedger(client, database);
  cacheDir = modelCache(['direction-lr']);
  [row] = (await scoredDecisions('direction-lr', 1)) as [DecisionRow];
  const orphan: DecisionRow = { ...row, id: 'b'.repeat(32), model_digest: '9'.repeat(64) };
  await insertDecisions(client, database, [row, orphan]);
  app = buildApp({
    registry: new Registry(),
    readiness: { missing: () => [], details: () => ({}) },
  });
  await app.register(decisionsRoute({ client, database, models: [cacheModelSource(cacheDir)] }));
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await dropDatabase(client, database);
  await client.close();
  removeDir(cacheDir);
});

describe('GET /v1/decisions/:id', () => {
  it('answers the decision re-scored, as JSON', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/decisions/${row.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<DecisionExplanation>();
    expect(body.decision.id).toBe(row.id);
    expect(body.decision.feature_keys).toEqual(row.feature_keys);
    expect(body.matches).toEqual({ ml: true, final: true });
    expect(body.rescored.mlScore).toBeCloseTo(row.ml_score as number, 12);
    expect(body.tolerance).toEqual({ relative: 1e-9 });
  });

  it.each([
    ['an unknown id', '1'.repeat(32), 404, 'FLT_DECISION_NOT_FOUND'],
    ['a malformed id', 'not-a-decision', 400, 'FLT_DECISION_ID'],
    ['a decision whose model is nowhere', 'b'.repeat(32), 422, 'FLT_DECISION_MODEL_MISSING'],
  ])('answers %s with %d and the error code', async (_name, id, status, code) => {
    const res = await app.inject({ method: 'GET', url: `/v1/decisions/${id}` });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ statusCode: status, code, message: expect.any(String) });
  });
});
