// Model artifacts: fetched by URI (https, http, file), verified against the declared sha256
// before any use, and cached on disk by digest so a restart or a swap back loads from disk.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';
import { ModelArtifactError, ModelFetchError, modelLabel } from './errors.ts';

export interface ArtifactOptions {
  /** Directory of verified artifacts, one `<sha256>.onnx` file each. */
  cacheDir: string;
  /** Give up on a fetch after this long. */
  fetchTimeoutMs: number;
  /** Refuse artifacts larger than this. */
  maxModelBytes: number;
}

/** `$FLOTILLA_MODEL_CACHE`, else `<os tmpdir>/flotilla-models`. */
export const defaultCacheDir = (env: NodeJS.ProcessEnv = process.env) =>
  env.FLOTILLA_MODEL_CACHE || join(tmpdir(), 'flotilla-models');

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const describeCause = (err: unknown): string => {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
};

async function fetchFile(model: ResolvedModel, opts: ArtifactOptions): Promise<Uint8Array> {
  const label = modelLabel(model.name, model.sha256);
  let path: string;
  try {
    path = fileURLToPath(model.uri);
  } catch (err) {
    throw new ModelFetchError(`model ${label}: ${model.uri} is not a valid file URI`, {
      cause: err,
    });
  }
  try {
    const size = (await stat(path)).size;
    if (size > opts.maxModelBytes)
      throw new ModelFetchError(
        `model ${label}: ${model.uri} is ${size} bytes, above the limit of ${opts.maxModelBytes}`,
      );
    return new Uint8Array(await readFile(path));
  } catch (err) {
    if (err instanceof ModelFetchError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : describeCause(err);
    throw new ModelFetchError(`model ${label}: cannot read ${model.uri}: ${why}`, { cause: err });
  }
}

async function fetchHttp(model: ResolvedModel, opts: ArtifactOptions): Promise<Uint8Array> {
  const label = modelLabel(model.name, model.sha256);
  let res: Response;
  try {
    res = await fetch(model.uri, { signal: AbortSignal.timeout(opts.fetchTimeoutMs) });
  } catch (err) {
    const why =
      err instanceof Error && err.name === 'TimeoutError'
        ? `no answer within ${opts.fetchTimeoutMs} ms`
        : describeCause(err);
    throw new ModelFetchError(`model ${label}: ${model.uri} is unreachable: ${why}`, {
      cause: err,
    });
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new ModelFetchError(
      `model ${label}: GET ${model.uri} answered ${res.status} ${res.statusText}`.trimEnd(),
    );
  }
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (declared > opts.maxModelBytes) {
    await res.body?.cancel();
    throw new ModelFetchError(
      `model ${label}: ${model.uri} is ${declared} bytes, above the limit of ${opts.maxModelBytes}`,
    );
  }
  try {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > opts.maxModelBytes) {
        await res.body?.cancel();
        throw new ModelFetchError(
          `model ${label}: ${model.uri} is larger than the limit of ${opts.maxModelBytes} bytes`,
        );
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof ModelFetchError) throw err;
    throw new ModelFetchError(
      `model ${label}: reading ${model.uri} failed: ${describeCause(err)}`,
      {
        cause: err,
      },
    );
  }
}

/** Downloads (or reads) the artifact; no checksum check here. */
export function fetchArtifact(model: ResolvedModel, opts: ArtifactOptions): Promise<Uint8Array> {
  if (model.uri.startsWith('file:')) return fetchFile(model, opts);
  if (model.uri.startsWith('http://') || model.uri.startsWith('https://'))
    return fetchHttp(model, opts);
  return Promise.reject(
    new ModelFetchError(
      `model ${modelLabel(model.name, model.sha256)}: unsupported URI ${model.uri} (want https://, http:// or file://)`,
    ),
  );
}

const cachePath = (opts: ArtifactOptions, sha256: string) => join(opts.cacheDir, `${sha256}.onnx`);

async function readCached(model: ResolvedModel, opts: ArtifactOptions) {
  const path = cachePath(opts, model.sha256);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch {
    return undefined;
  }
  if (sha256Hex(bytes) === model.sha256) return bytes;
  await rm(path, { force: true }); // corrupt: fetch again
  return undefined;
}

async function writeCached(sha256: string, bytes: Uint8Array, opts: ArtifactOptions) {
  const path = cachePath(opts, sha256);
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await mkdir(opts.cacheDir, { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch {
    // A cache that cannot be written only costs a fetch next time.
    await rm(tmp, { force: true }).catch(() => {});
  }
}

/**
 * The verified artifact bytes: from the cache when a file with the right digest is there, else
 * fetched, checked against `model.sha256` (ModelArtifactError FLT_MODEL_CHECKSUM otherwise) and
 * cached. Bytes that fail the check are never cached or returned.
 */
export async function obtainArtifact(
  model: ResolvedModel,
  opts: ArtifactOptions,
): Promise<{ bytes: Uint8Array; cached: boolean }> {
  const cached = await readCached(model, opts);
  if (cached) return { bytes: cached, cached: true };
  const bytes = await fetchArtifact(model, opts);
  const actual = sha256Hex(bytes);
  if (actual !== model.sha256)
    throw new ModelArtifactError(
      'FLT_MODEL_CHECKSUM',
      `model ${modelLabel(model.name, model.sha256)}: checksum mismatch: ${model.uri} has sha256 ${actual}, the Model declares ${model.sha256}`,
    );
  await writeCached(model.sha256, bytes, opts);
  return { bytes, cached: false };
}
