// Models the registry must refuse, each with its reason, and what scores meanwhile: the previous
// digest of the model after a failed swap, else nothing (the strategy uses its rule score).
// http:// artifacts come from a real node:http server on a loopback port.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';
import {
  type InferenceEvent,
  ModelRegistry,
  type ModelStatus,
} from '../../../runtime/src/inference/index.ts';
import {
  FEATURE_KEYS,
  golden,
  goldenBatch,
  modelBytes,
  modelSpec,
  sha256,
} from '../../fixtures/models/models.ts';
import { eventually } from '../../harness/eventually.ts';
import { freePort } from '../../harness/free-port.ts';

/** Serves `routes` (path -> bytes or status code); counts requests per path. */
async function serve(routes: Map<string, Uint8Array | number>) {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const body = routes.get(path);
    if (body === undefined || typeof body === 'number') {
      res.writeHead(typeof body === 'number' ? body : 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
const routes = new Map<string, Uint8Array | number>();
const registries: ModelRegistry[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-refusals-'));
  server = await serve(routes);
});
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function registry(events: InferenceEvent[] = []): ModelRegistry {
  const r = new ModelRegistry({
    cacheDir: mkdtempSync(join(dir, 'cache-')),
    workers: 1,
    retryMs: 60_000,
    onEvent: (e) => events.push(e),
  });
  registries.push(r);
  return r;
}

async function statusOf(r: ModelRegistry, models: ResolvedModel[]): Promise<ModelStatus[]> {
  r.sync(models);
  await r.settled();
  return r.status();
}

const logreg = modelSpec('direction-logreg');
const probe = goldenBatch(golden('direction-logreg')).subarray(0, FEATURE_KEYS.length);

describe('refused models', () => {
  it.each([
    {
      why: 'checksum mismatch (http)',
      spec: () => {
        routes.set('/wrong.onnx', modelBytes('direction-logreg-b'));
        return { ...logreg, uri: server.url('/wrong.onnx') };
      },
      reason: 'ChecksumMismatch',
      code: 'FLT_MODEL_CHECKSUM',
      message: new RegExp(
        `checksum mismatch: http://127\\.0\\.0\\.1:\\d+/wrong\\.onnx has sha256 ${modelSpec('direction-logreg-b').sha256}, the Model declares ${logreg.sha256}$`,
      ),
    },
    {
      why: 'unreachable (http to a closed port)',
      spec: async () => ({ ...logreg, uri: `http://127.0.0.1:${await freePort()}/m.onnx` }),
      reason: 'Unreachable',
      code: 'FLT_MODEL_UNREACHABLE',
      message: /http:\/\/127\.0\.0\.1:\d+\/m\.onnx is unreachable: fetch failed: .*ECONNREFUSED/,
    },
    {
      why: 'HTTP 404',
      spec: () => ({ ...logreg, uri: server.url('/missing.onnx') }),
      reason: 'Unreachable',
      code: 'FLT_MODEL_UNREACHABLE',
      message: /GET http:\/\/127\.0\.0\.1:\d+\/missing\.onnx answered 404/,
    },
    {
      why: 'missing file',
      spec: () => ({ ...logreg, uri: pathToFileURL(join(dir, 'nope.onnx')).href }),
      reason: 'Unreachable',
      code: 'FLT_MODEL_UNREACHABLE',
      message: /cannot read file:\/\/\S+\/nope\.onnx: no such file/,
    },
    {
      why: 'input width',
      spec: () => ({ ...logreg, inputs: FEATURE_KEYS.slice(0, 4) }),
      reason: 'SignatureMismatch',
      code: 'FLT_MODEL_SIGNATURE',
      message:
        /input width 5 does not match the 4 declared inputs \[return_5, ema_20, rsi_14, zscore_50\]/,
    },
    {
      why: 'feature keys in another order',
      spec: () => ({ ...logreg, inputs: [...FEATURE_KEYS].reverse() }),
      reason: 'SignatureMismatch',
      code: 'FLT_MODEL_SIGNATURE',
      message:
        /trained on features \[return_5, .*\] but spec.inputs is \[macd_12_26_9, .*\] \(first difference at column 0: return_5 vs macd_12_26_9\)/,
    },
    {
      why: 'output tensor',
      spec: () => ({
        ...logreg,
        outputs: { name: 'scores', column: 1, kind: 'probability' as const },
      }),
      reason: 'SignatureMismatch',
      code: 'FLT_MODEL_SIGNATURE',
      message: /no output "scores" \(the model's outputs are: label, probabilities\)/,
    },
    {
      why: 'output column',
      spec: () => ({
        ...logreg,
        outputs: { name: 'probabilities', column: 2, kind: 'probability' as const },
      }),
      reason: 'SignatureMismatch',
      code: 'FLT_MODEL_SIGNATURE',
      message: /spec.outputs.column 2 is beyond the 2 columns of "probabilities"/,
    },
    {
      why: 'not an ONNX file',
      spec: () => {
        const bytes = new TextEncoder().encode('{"not": "onnx"}\n');
        const path = join(dir, 'not-onnx.onnx');
        writeFileSync(path, bytes);
        return { ...logreg, uri: pathToFileURL(path).href, sha256: sha256(bytes) };
      },
      reason: 'InvalidArtifact',
      code: 'FLT_MODEL_INVALID',
      message: /not an ONNX model|onnxruntime cannot load it/,
    },
  ])('$why: refused with the reason; no predictor (rule score)', async (c) => {
    const events: InferenceEvent[] = [];
    const r = registry(events);
    const spec = await c.spec();
    const [status] = await statusOf(r, [spec]);
    expect(status).toMatchObject({
      state: 'failed',
      reason: c.reason,
      code: c.code,
      serving: undefined,
    });
    expect(status?.message).toContain(`model ${spec.name}@sha256:${spec.sha256.slice(0, 12)}`);
    expect(status?.message).toMatch(c.message);
    expect(r.get(spec)).toBeUndefined();
    expect(r.ready()).toBe(false);
    expect(events.find((e) => e.type === 'load-failed')).toMatchObject({
      name: spec.name,
      retryInMs: 60_000,
    });
    await expect(r.score(spec, probe, 1)).rejects.toMatchObject({ code: 'FLT_INFERENCE_REJECTED' });
  });

  it('never caches bytes that failed the checksum', async () => {
    routes.set('/bad.onnx', modelBytes('direction-logreg-b'));
    const r = registry();
    await statusOf(r, [{ ...logreg, uri: server.url('/bad.onnx') }]);
    expect(existsSync(join(r.options.cacheDir, `${logreg.sha256}.onnx`))).toBe(false);
  });

  it('tolerates a model without flotilla.feature_keys (only its width is checked)', async () => {
    const r = registry();
    const spec = modelSpec('direction-logreg-nometa', {
      inputs: ['a_1', 'b_2', 'c_3', 'd_4', 'e_5'],
    });
    const [status] = await statusOf(r, [spec]);
    expect(status).toMatchObject({ state: 'ready', serving: spec.sha256 });
  });
});

describe('a failed swap', () => {
  it.each([
    { why: 'checksum', change: () => ({ uri: modelSpec('direction-logreg-b').uri }) },
    {
      why: 'unreachable',
      change: async () => ({ uri: `http://127.0.0.1:${await freePort()}/x.onnx` }),
    },
  ])('($why) leaves the previous digest scoring', async ({ change }) => {
    const r = registry();
    const v1 = modelSpec('direction-logreg', { name: 'direction' });
    await statusOf(r, [v1]);
    const before = await r.score(v1, probe, 1);
    // v2: a new digest for the same name whose artifact cannot be used.
    const v2 = { ...v1, sha256: modelSpec('direction-gbt').sha256, ...(await change()) };
    const [status] = await statusOf(r, [v2]);
    expect(status).toMatchObject({ name: 'direction', state: 'failed', serving: v1.sha256 });
    expect(r.get(v2)?.digest).toBe(v1.sha256);
    const after = await r.score(v2, probe, 1);
    expect(after.digest).toBe(v1.sha256);
    expect(after.scores).toEqual(before.scores);
    expect(r.pool.sessions()).toEqual([1]);
  });

  it('with other inputs falls back to the rule score (the old model cannot read the new rows)', async () => {
    const r = registry();
    const v1 = modelSpec('direction-logreg', { name: 'direction' });
    await statusOf(r, [v1]);
    const v2 = { ...v1, sha256: '0'.repeat(64), inputs: [...FEATURE_KEYS].reverse() };
    await statusOf(r, [v2]);
    expect(r.get(v2)).toBeUndefined();
  });
});

describe('fetching over http', () => {
  it('caches the verified artifact: a restart loads from disk with the server gone', async () => {
    const local = await serve(new Map([['/m.onnx', modelBytes('direction-mlp')]]));
    const spec = modelSpec('direction-mlp', { uri: local.url('/m.onnx') });
    const cacheDir = mkdtempSync(join(dir, 'shared-cache-'));
    const first = new ModelRegistry({ cacheDir, workers: 1 });
    registries.push(first);
    expect((await statusOf(first, [spec]))[0]?.state).toBe('ready');
    expect(local.hits.get('/m.onnx')).toBe(1);
    await local.close();
    const second = new ModelRegistry({ cacheDir, workers: 1 });
    registries.push(second);
    expect((await statusOf(second, [spec]))[0]?.state).toBe('ready');
  });

  it('retries a failed fetch with backoff until it succeeds', async () => {
    routes.set('/later.onnx', 503);
    const r = new ModelRegistry({
      cacheDir: mkdtempSync(join(dir, 'c-')),
      workers: 1,
      retryMs: 20,
    });
    registries.push(r);
    const spec = modelSpec('direction-gbt', { uri: server.url('/later.onnx') });
    const [status] = await statusOf(r, [spec]);
    expect(status).toMatchObject({ state: 'failed', reason: 'Unreachable', attempts: 1 });
    expect(status?.message).toMatch(/answered 503/);
    routes.set('/later.onnx', modelBytes('direction-gbt'));
    await eventually('the retry to load it', () => (r.ready() ? true : undefined), 10_000, 10);
    expect(r.status()[0]).toMatchObject({ state: 'ready', serving: spec.sha256 });
  });
});
