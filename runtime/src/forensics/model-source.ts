// Where forensics finds a model artifact by its digest. A source answers with verified bytes
// (their sha256 is the digest asked for) or undefined when it has no such artifact; it throws
// when it found the artifact but could not read or verify it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';
import { defaultCacheDir, sha256Hex } from '../inference/artifact.ts';
import { ModelArtifactError } from '../inference/errors.ts';

export interface FoundModel {
  /** The artifact; sha256Hex(bytes) is the digest asked for. */
  bytes: Uint8Array;
  /**
   * The Model as the runner had it (name, input order, output tensor and kind) when the source
   * knows it; a bare artifact has none, and its input order comes from its own metadata.
   */
  spec: ResolvedModel | undefined;
  /** Where it was found, for people: a file path, or the Model object and its URI. */
  from: string;
}

export interface ModelSource {
  /** Where it looks, for the FLT_DECISION_MODEL_MISSING message. */
  readonly where: string;
  find(digest: string): Promise<FoundModel | undefined>;
}

/** A sha256 as recorded with decisions; anything else cannot name a cached file. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The runner's artifact cache (runtime/src/inference/artifact.ts): one `<sha256>.onnx` file per
 * verified artifact, in `$FLOTILLA_MODEL_CACHE` or `<tmpdir>/flotilla-models` by default.
 */
export function cacheModelSource(dir: string = defaultCacheDir()): ModelSource {
  return {
    where: `model cache ${dir}`,
    async find(digest) {
      if (!SHA256_PATTERN.test(digest)) return undefined;
      const path = join(dir, `${digest}.onnx`);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(path));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      const actual = sha256Hex(bytes);
      if (actual !== digest)
        throw new ModelArtifactError(
          'FLT_MODEL_CHECKSUM',
          `${path} has sha256 ${actual}, not the ${digest} its name promises: the cache file is damaged`,
        );
      return { bytes, spec: undefined, from: path };
    },
  };
}
