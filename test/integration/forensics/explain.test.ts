// explainDecision against ClickHouse 18.16: decisions scored by the runner's inference code are
// re-scored to the same ml and final scores; tampering, unknown ids and missing models are named.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { explainDecision, type ForensicsDeps } from '../../../runtime/src/forensics/explain.ts';
import { ledgerClient } from '../../../runtime/src/forensics/ledger-client.ts';
import { cacheModelSource } from '../../../runtime/src/forensics/model-source.ts';
import { migrateLedger } from '../../../runtime/src/ledger/migrate.ts';
import type { DecisionRow } from '../../../runtime/src/ledger/records.ts';
import { dropDatabase, uniqueDatabase } from '../ledger/ledger-db.ts';
import {
  exampleSpec,
  insertDecisions,
  modelCache,
  removeDir,
  ruleOnlyDecision,
  scoredDecisions,
} from './ledger-fixture.ts';

const client = ledgerClient(inject('clickhouseUrl'));
let database: string;
let cacheDir: string;
let emptyCache: string;
let deps: ForensicsDeps;
let lr: DecisionRow[];
let lrOnnx: DecisionRow[];
let gbt: DecisionRow[];

beforeAll(async () => {
  database = uniqueDatabase('forensics');
  await migrateLedger(client, database);
  cacheDir = modelCache(['direction-lr', 'direction-gbt']);
  emptyCache = modelCache([]);
  lr = await scoredDecisions('direction-lr', 6);
  lrOnnx = await scoredDecisions('direction-lr', 3, 'onnx');
  gbt = await scoredDecisions('direction-gbt', 3);
  await insertDecisions(client, database, [...lr, ...lrOnnx, ...gbt, ruleOnlyDecision()]);
  deps = { client, database, models: [cacheModelSource(cacheDir)] };
});

afterAll(async () => {
  await dropDatabase(client, database);
  await client.close();
  removeDir(cacheDir);
  removeDir(emptyCache);
});

describe('explainDecision', () => {
  it('re-scores decisions of the linear model to their stored ml and final scores', async () => {
    for (const row of lr) {
      const e = await explainDecision(deps, row.id);
      expect(e.decision).toMatchObject({ id: row.id, blend_weight: 0.7 });
      expect(e.matches, row.id).toEqual({ ml: true, final: true });
      expect(e.model).toMatchObject({
        digest: exampleSpec('direction-lr').sha256,
        name: null, // a bare artifact from the cache: no Model object describes it
        from: join(cacheDir, `${exampleSpec('direction-lr').sha256}.onnx`),
        backend: 'linear',
        inputs: exampleSpec('direction-lr').inputs,
      });
      expect(e.rescored.mlScore).toBeCloseTo(row.ml_score as number, 12);
      // What 18.16 stored differs from what was written by one ulp at most.
      expect(e.differences.ml.relativeDifference).toBeLessThan(1e-15);
      expect(e.differences.final.relativeDifference).toBeLessThan(1e-15);
      expect(e.tolerance).toEqual({ relative: 1e-9 });
    }
  });

  it('finds the onnxruntime score for a decision the runner scored in a large batch', async () => {
    for (const row of lrOnnx) {
      const e = await explainDecision(deps, row.id);
      expect(e.matches).toEqual({ ml: true, final: true });
      expect(e.model?.backend).toBe('onnx');
      // The two paths differ by more than the tolerance: the stored score says which one ran.
      const { linear, onnx } = e.model?.scores ?? {};
      expect(Math.abs((linear as number) - (onnx as number))).toBeGreaterThan(1e-9);
    }
  });

  it('re-scores a tree ensemble, which only onnxruntime scores', async () => {
    for (const row of gbt) {
      const e = await explainDecision(deps, row.id);
      expect(e.matches).toEqual({ ml: true, final: true });
      expect(e.model).toMatchObject({ backend: 'onnx', scores: { linear: undefined } });
    }
  });

  it('recomputes the final score of a rules-only decision without any model', async () => {
    const e = await explainDecision(
      { ...deps, models: [cacheModelSource(emptyCache)] },
      ruleOnlyDecision().id,
    );
    expect(e.model).toBeNull();
    expect(e.rescored).toEqual({ mlScore: null, finalScore: 0.71 });
    expect(e.matches).toEqual({ ml: true, final: true });
  });

  it('reports a tampered ml score as a mismatch with the exact difference', async () => {
    const original = lr[0] as DecisionRow;
    const tampered: DecisionRow = {
      ...original,
      id: 'f'.repeat(32),
      ml_score: (original.ml_score as number) + 1e-6,
    };
    await insertDecisions(client, database, [tampered]);
    const e = await explainDecision(deps, tampered.id);
    expect(e.matches).toEqual({ ml: false, final: true });
    expect(e.differences.ml.difference).toBeCloseTo(1e-6, 12);
    expect(e.differences.ml.relativeDifference).toBeGreaterThan(1e-9);
  });

  it('reports a changed blend weight as a final-score mismatch', async () => {
    const original = lr[1] as DecisionRow;
    const tampered: DecisionRow = { ...original, id: 'e'.repeat(32), blend_weight: 0.6 };
    await insertDecisions(client, database, [tampered]);
    const e = await explainDecision(deps, tampered.id);
    expect(e.matches).toEqual({ ml: true, final: false });
  });

  it('names an unknown id with FLT_DECISION_NOT_FOUND', async () => {
    const id = '0'.repeat(32);
    await expect(explainDecision(deps, id)).rejects.toMatchObject({
      code: 'FLT_DECISION_NOT_FOUND',
      message: expect.stringContaining(`decision ${id} is not in ${database}.decisions`),
    });
  });

  it('refuses a malformed id before any query', async () => {
    await expect(explainDecision(deps, "x' OR 1=1")).rejects.toMatchObject({
      code: 'FLT_DECISION_ID',
    });
  });

  it('names the digest and every place looked when the model is missing', async () => {
    const row = lr[2] as DecisionRow;
    await expect(
      explainDecision({ ...deps, models: [cacheModelSource(emptyCache)] }, row.id),
    ).rejects.toMatchObject({
      code: 'FLT_DECISION_MODEL_MISSING',
      message: expect.stringMatching(
        new RegExp(`sha256 ${row.model_digest}.*model cache ${emptyCache}: not there`),
      ),
    });
  });
});
