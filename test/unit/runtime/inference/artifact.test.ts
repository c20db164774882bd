// Artifacts from file:// URIs, the checksum, and the disk cache. (http:// against a real server
// is in test/integration/inference/refusals.test.ts.)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ArtifactOptions,
  defaultCacheDir,
  obtainArtifact,
} from '../../../../runtime/src/inference/artifact.ts';
import { modelBytes, modelSpec } from '../../../fixtures/models/models.ts';

const LOGREG = modelSpec('direction-logreg').sha256;
const MLP = modelSpec('direction-mlp').sha256;
const dir = mkdtempSync(join(tmpdir(), 'flotilla-artifact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const options = (over: Partial<ArtifactOptions> = {}): ArtifactOptions => ({
  cacheDir: mkdtempSync(join(dir, 'cache-')),
  fetchTimeoutMs: 1_000,
  maxModelBytes: 1 << 20,
  ...over,
});

describe('obtainArtifact', () => {
  it('reads a file:// artifact, verifies it and caches it under its digest', async () => {
    const spec = modelSpec('direction-logreg');
    const opts = options();
    const first = await obtainArtifact(spec, opts);
    expect(first.cached).toBe(false);
    expect(Buffer.from(first.bytes).equals(Buffer.from(modelBytes('direction-logreg')))).toBe(true);
    const cached = join(opts.cacheDir, `${spec.sha256}.onnx`);
    expect(readFileSync(cached).equals(Buffer.from(first.bytes))).toBe(true);
    const again = await obtainArtifact({ ...spec, uri: 'file:///nowhere/gone.onnx' }, opts);
    expect(again.cached).toBe(true);
  });

  it('refetches when the cached file is corrupt', async () => {
    const spec = modelSpec('direction-mlp');
    const opts = options();
    writeFileSync(join(opts.cacheDir, `${spec.sha256}.onnx`), 'garbage');
    const got = await obtainArtifact(spec, opts);
    expect(got.cached).toBe(false);
    expect((await obtainArtifact(spec, opts)).cached).toBe(true);
  });

  it.each([
    {
      what: 'a checksum mismatch',
      spec: () => ({ ...modelSpec('direction-logreg'), uri: modelSpec('direction-mlp').uri }),
      code: 'FLT_MODEL_CHECKSUM',
      message: new RegExp(
        `^model direction-logreg@sha256:${LOGREG.slice(0, 12)}: checksum mismatch: file://\\S+direction-mlp\\.onnx has sha256 ${MLP}, the Model declares ${LOGREG}$`,
      ),
    },
    {
      what: 'a missing file',
      spec: () => ({
        ...modelSpec('direction-logreg'),
        uri: pathToFileURL(join(dir, 'missing.onnx')).href,
      }),
      code: 'FLT_MODEL_UNREACHABLE',
      message: /cannot read file:\/\/\S+missing\.onnx: no such file$/,
    },
    {
      what: 'a file above maxModelBytes',
      spec: () => modelSpec('direction-gbt'),
      opts: { maxModelBytes: 1_000 },
      code: 'FLT_MODEL_UNREACHABLE',
      message: new RegExp(
        `direction-gbt\\.onnx is ${modelBytes('direction-gbt').length} bytes, above the limit of 1000$`,
      ),
    },
    {
      what: 'an unsupported scheme',
      spec: () => ({ ...modelSpec('direction-logreg'), uri: 's3://bucket/m.onnx' }),
      code: 'FLT_MODEL_UNREACHABLE',
      message:
        /unsupported URI s3:\/\/bucket\/m\.onnx \(want https:\/\/, http:\/\/ or file:\/\/\)$/,
    },
  ])('refuses $what, caching nothing', async ({ spec, opts, code, message }) => {
    const o = options(opts);
    const s = spec();
    await expect(obtainArtifact(s, o)).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    });
    expect(existsSync(join(o.cacheDir, `${s.sha256}.onnx`))).toBe(false);
  });
});

describe('defaultCacheDir', () => {
  it('is $FLOTILLA_MODEL_CACHE, else under the OS temp dir', () => {
    expect(defaultCacheDir({ FLOTILLA_MODEL_CACHE: '/var/cache/m' })).toBe('/var/cache/m');
    expect(defaultCacheDir({})).toBe(join(tmpdir(), 'flotilla-models'));
  });
});
