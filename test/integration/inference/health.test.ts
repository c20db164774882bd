// Backend health with real worker threads: a hung onnxruntime worker (stalled through the pool's
// test hook) times runs out, gets replaced, and opens the model's breaker so calls fall back at
// once; a probe after the cooldown closes it again. A full queue refuses calls (back-pressure).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type InferenceEvent,
  type InferenceOptions,
  ModelRegistry,
  type RejectReason,
} from '../../../runtime/src/inference/index.ts';
import { golden, goldenBatch, modelSpec } from '../../fixtures/models/models.ts';
import { eventually } from '../../harness/eventually.ts';

let cacheDir: string;
const registries: ModelRegistry[] = [];
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'flotilla-health-'));
});
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

async function loaded(
  file: 'direction-gbt' | 'direction-logreg',
  options: Partial<InferenceOptions>,
) {
  const events: InferenceEvent[] = [];
  const rejected: [RejectReason, number][] = [];
  const r = new ModelRegistry({
    cacheDir,
    workers: 1,
    onEvent: (e) => events.push(e),
    metrics: {
      batch: () => {},
      load: () => {},
      rejected: (_m, reason, rows) => rejected.push([reason, rows]),
    },
    ...options,
  });
  registries.push(r);
  const spec = modelSpec(file);
  r.sync([spec]);
  await r.settled();
  expect(r.ready()).toBe(true);
  const g = golden(file);
  return { r, spec, g, rows: goldenBatch(g), events, rejected };
}

const breakerStates = (events: InferenceEvent[]) =>
  events.flatMap((e) => (e.type === 'breaker' ? [e.state] : []));

describe('a hung worker thread', () => {
  it('times runs out, is replaced, opens the breaker, and a probe closes it', async () => {
    const { r, spec, rows, g, events, rejected } = await loaded('direction-gbt', {
      runTimeoutMs: 100,
      breakerFailures: 2,
      breakerCooldownMs: 300,
      linearMaxRows: 0,
    });
    const n = g.rows.length;
    r.pool.stall(2_000);
    await expect(r.score(spec, rows, n)).rejects.toMatchObject({
      code: 'FLT_ONNX',
      timeout: true,
      message: `model direction-gbt@sha256:${spec.sha256.slice(0, 12)}: a run of 50 rows failed: no answer within 100 ms`,
    });
    expect(r.pool.replacements).toBe(1);
    // Second failure (the replacement may still be loading, or time out again): the breaker opens.
    r.pool.stall(2_000);
    await expect(r.score(spec, rows, n)).rejects.toMatchObject({ code: 'FLT_ONNX' });
    expect(r.status()[0]?.breaker).toBe('open');
    // While open, calls are refused at once and counted; the strategy uses its rule score.
    await expect(r.score(spec, rows, n)).rejects.toMatchObject({
      code: 'FLT_INFERENCE_REJECTED',
      reason: 'breaker-open',
    });
    expect(rejected).toContainEqual(['breaker-open', n]);
    // After the cooldown a probe goes through the replaced worker and closes the breaker.
    const scored = await eventually(
      'a successful probe',
      () => r.score(spec, rows, n).catch(() => undefined),
      10_000,
      50,
    );
    expect(scored.scores[0]).toBeCloseTo(g.rows[0]?.probability as number, 5);
    expect(r.status()[0]?.breaker).toBe('closed');
    expect(breakerStates(events)).toEqual(expect.arrayContaining(['open', 'half-open', 'closed']));
    expect(breakerStates(events).at(-1)).toBe('closed');
  });

  it('leaves a linear model scoring in TypeScript while its onnxruntime breaker is open', async () => {
    const { r, spec, rows, g } = await loaded('direction-logreg', {
      runTimeoutMs: 100,
      breakerFailures: 1,
      breakerCooldownMs: 60_000,
      linearMaxRows: 8,
    });
    const n = g.rows.length; // above linearMaxRows: goes to onnxruntime
    r.pool.stall(1_000);
    await expect(r.score(spec, rows, n)).rejects.toMatchObject({ code: 'FLT_ONNX', timeout: true });
    expect(r.status()[0]?.breaker).toBe('open');
    const { scores } = await r.score(spec, rows, n);
    const diff = Math.max(
      ...g.rows.map((row, i) => Math.abs(row.probability - (scores[i] as number))),
    );
    expect(diff).toBeLessThanOrEqual(1e-5);
  });
});

describe('back-pressure', () => {
  it('refuses calls beyond maxQueuedRows at once, then serves the queued ones', async () => {
    const { r, spec, rows, rejected } = await loaded('direction-gbt', {
      maxQueuedRows: 10,
      maxConcurrentRuns: 1,
      runTimeoutMs: 5_000,
      linearMaxRows: 0,
    });
    const row = rows.subarray(0, 5);
    r.pool.stall(300);
    const first = r.score(spec, row, 1); // in flight, behind the stall
    await sleep(5);
    const queued = Array.from({ length: 10 }, () => r.score(spec, row, 1));
    const refused = r.score(spec, row, 1);
    await expect(refused).rejects.toMatchObject({
      code: 'FLT_INFERENCE_REJECTED',
      reason: 'backpressure',
    });
    expect(rejected).toEqual([['backpressure', 1]]);
    const all = await Promise.all([first, ...queued]);
    expect(new Set(all.map((s) => s.scores[0])).size).toBe(1);
  });
});
