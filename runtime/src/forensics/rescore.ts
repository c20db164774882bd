// Re-scores one feature row with the runner's own inference code: a ModelRegistry holding the
// one model, loaded exactly as the runner loads it (signature check, onnxruntime sessions in a
// worker thread, the pure-TypeScript linear path kept only if it agrees with onnxruntime).
//
// The runner scores small calls on the linear path and larger ones (above linearMaxRows, 512 by
// default) with onnxruntime, and the decision does not record which. The two agree to about
// 1e-7 (float32 inside onnxruntime), more than the comparison tolerance, so both are computed:
// a call of one row takes the linear path, a call of two copies of the row takes onnxruntime.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';
import type { FlotillaError } from '../../../operator/src/errors.ts';
import type { InferenceOptions } from '../inference/options.ts';
import { ModelRegistry } from '../inference/registry.ts';

export type Backend = 'linear' | 'onnx';

export interface BackendScores {
  /** The linear path's score; undefined when the model has no linear path. */
  linear: number | undefined;
  onnx: number;
}

/** Inference options a caller may set (cache, fetch and linear options are fixed here). */
export type RescoreOptions = Partial<
  Pick<InferenceOptions, 'workers' | 'loadTimeoutMs' | 'runTimeoutMs' | 'maxModelBytes'>
>;

export async function scoreRow(
  spec: ResolvedModel,
  bytes: Uint8Array,
  row: Float32Array,
  options: RescoreOptions = {},
): Promise<BackendScores> {
  // The registry loads from its artifact cache: a private one holding just these bytes.
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-forensics-'));
  let failure: FlotillaError | undefined;
  const registry = new ModelRegistry({
    workers: 1,
    ...options,
    cacheDir: dir,
    linearMaxRows: 1,
    retryMs: 3_600_000,
    onEvent: (e) => {
      if (e.type === 'load-failed') failure = e.error;
    },
  });
  try {
    const path = join(dir, `${spec.sha256}.onnx`);
    await writeFile(path, bytes);
    const model: ResolvedModel = { ...spec, uri: pathToFileURL(path).href };
    registry.sync([model]);
    await registry.settled();
    if (failure) throw failure;
    const [status] = registry.status();
    const one = await registry.score(model, row, 1);
    const first = one.scores[0] as number; // copied out: the linear path reuses its buffer
    if (!status?.linear) return { linear: undefined, onnx: first };
    const twice = new Float32Array(row.length * 2);
    twice.set(row);
    twice.set(row, row.length);
    const two = await registry.score(model, twice, 2);
    return { linear: first, onnx: two.scores[0] as number };
  } finally {
    await registry.close();
    await rm(dir, { recursive: true, force: true });
  }
}
