// The registry's lifecycle with real worker threads: shadow scoring, dropping models, draining a
// retired digest's calls in flight before releasing it, and several digests of one name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type InferenceEvent, ModelRegistry } from '../../../runtime/src/inference/index.ts';
import { golden, goldenBatch, modelSpec } from '../../fixtures/models/models.ts';

let cacheDir: string;
const registries: ModelRegistry[] = [];
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'flotilla-registry-'));
});
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function registry(events: InferenceEvent[] = []) {
  const r = new ModelRegistry({
    cacheDir,
    workers: 1,
    linearMaxRows: 0,
    onEvent: (e) => events.push(e),
  });
  registries.push(r);
  return r;
}

const gbt = modelSpec('direction-gbt');
const mlp = modelSpec('direction-mlp');
const g = golden('direction-gbt');
const rows = goldenBatch(g);
const n = g.rows.length;
const expectedOf = (file: 'direction-gbt' | 'direction-mlp') =>
  golden(file).rows.map((r) => r.probability);

describe('shadow scoring', () => {
  it('returns champion and challenger scores, each with its digest', async () => {
    const r = registry();
    r.sync([gbt, mlp]);
    await r.settled();
    const { champion, challenger } = await r.shadow(gbt, mlp, rows, n);
    expect(champion.digest).toBe(gbt.sha256);
    expect([...champion.scores]).toEqual(
      expectedOf('direction-gbt').map((p) => expect.closeTo(p, 5)),
    );
    expect(challenger).toMatchObject({ digest: mlp.sha256 });
    expect('scores' in challenger && [...challenger.scores]).toEqual(
      expectedOf('direction-mlp').map((p) => expect.closeTo(p, 5)),
    );
  });

  it('reports a challenger that cannot score without failing the champion', async () => {
    const r = registry();
    r.sync([gbt]);
    await r.settled();
    const { champion, challenger } = await r.shadow(gbt, mlp, rows, n);
    expect(champion.digest).toBe(gbt.sha256);
    expect(challenger).toMatchObject({
      digest: mlp.sha256,
      error: { code: 'FLT_INFERENCE_REJECTED', reason: 'not-loaded' },
    });
  });

  it('never scores the challenger with the champion, even under the same name', async () => {
    const r = registry();
    const champ = { ...gbt, name: 'direction' };
    const missing = {
      ...mlp,
      name: 'direction',
      sha256: 'f'.repeat(64),
      uri: 'file:///nowhere.onnx',
    };
    r.sync([champ, missing]);
    await r.settled();
    expect(r.get(missing)?.digest).toBe(champ.sha256); // what a strategy would fall back to
    const { challenger } = await r.shadow(champ, missing, rows, n);
    expect(challenger).toMatchObject({ digest: missing.sha256, error: { reason: 'not-loaded' } });
  });
});

describe('sync', () => {
  it('releases models no longer listed', async () => {
    const events: InferenceEvent[] = [];
    const r = registry(events);
    r.sync([gbt, mlp]);
    await r.settled();
    expect(r.pool.sessions()).toEqual([2]);
    r.sync([mlp]);
    expect(r.get(gbt)).toBeUndefined();
    expect(r.status().map((s) => s.name)).toEqual(['direction-mlp']);
    expect(r.pool.sessions()).toEqual([1]);
    expect(events).toContainEqual({ type: 'released', name: 'direction-gbt', digest: gbt.sha256 });
  });

  it('keeps a retired digest until its calls in flight finish, with that digest', async () => {
    const r = registry();
    const v1 = { ...gbt, name: 'direction' };
    const v2 = { ...mlp, name: 'direction' };
    r.sync([v1, v2]);
    await r.settled();
    r.pool.stall(200); // hold the call in flight while v1 is dropped
    const inFlight = r.score(v1, rows, n);
    r.sync([v2]);
    expect(r.get(v1)?.digest).toBe(v2.sha256); // v2 serves the name now
    expect(r.draining).toBe(1);
    const old = await inFlight;
    expect(old.digest).toBe(v1.sha256);
    expect([...old.scores]).toEqual(expectedOf('direction-gbt').map((p) => expect.closeTo(p, 5)));
    expect(r.draining).toBe(0);
    expect(r.pool.sessions()).toEqual([1]);
  });

  it('serves several digests of one name side by side (strategies pinned to versions)', async () => {
    const r = registry();
    const v1 = { ...gbt, name: 'direction' };
    const v2 = { ...mlp, name: 'direction' };
    r.sync([v1, v2]);
    await r.settled();
    expect(r.get(v1)?.digest).toBe(v1.sha256);
    expect(r.get(v2)?.digest).toBe(v2.sha256);
    expect(r.ready()).toBe(true);
  });

  it('hands out one stable predictor object per loaded digest (the executor batches by it)', async () => {
    const r = registry();
    r.sync([gbt]);
    await r.settled();
    expect(r.get(gbt)).toBe(r.get({ ...gbt }));
  });

  it('close() refuses further calls', async () => {
    const r = registry();
    r.sync([gbt]);
    await r.settled();
    const p = r.get(gbt);
    await r.close();
    expect(() => p?.score(rows, n)).toThrow(
      expect.objectContaining({ code: 'FLT_INFERENCE_REJECTED' }),
    );
    expect(r.get(gbt)).toBeUndefined();
  });
});
