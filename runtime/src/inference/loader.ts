// Loads one model: artifact (cache or fetch, sha256 verified), signature check against its
// spec, sessions created and warmed in every worker, and the linear path kept only if it agrees
// with onnxruntime on the warm-up rows. Any failure is a typed error naming model and reason.
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';
import { obtainArtifact } from './artifact.ts';
import { ModelArtifactError, modelLabel, OnnxError } from './errors.ts';
import { extractLinear, type LinearScorer } from './linear.ts';
import { LoadedModel } from './loaded-model.ts';
import { readOnnxModel } from './onnx-proto.ts';
import type { InferenceOptions } from './options.ts';
import { checkSignature } from './signature.ts';
import { type OnnxPool, WorkerRequestError } from './worker-pool.ts';

/** Linear scores must match onnxruntime's within this on the warm-up rows. */
export const LINEAR_TOLERANCE = 1e-6;
const PROBE_ROWS = 16;

/**
 * Warm-up rows: a zero row, then rows spread around the linear model's scaler centre (one
 * standard deviation either way) so their scores are not saturated at 0 or 1.
 */
export function probeRows(width: number, linear: LinearScorer | undefined): Float32Array {
  const rows = new Float32Array(PROBE_ROWS * width);
  let seed = 0x9e3779b9;
  const next = () => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return (seed / 2 ** 32) * 2 - 1;
  };
  for (let r = 1; r < PROBE_ROWS; r++)
    for (let c = 0; c < width; c++) {
      const centre = linear?.centre[c] ?? 0;
      const spread = linear?.spread[c] ?? 1;
      rows[r * width + c] = centre + next() * spread;
    }
  return rows;
}

export interface LoadResult {
  model: LoadedModel;
  /** Largest |linear - onnxruntime| on the warm-up rows (NaN: no linear path). */
  linearDiff: number;
}

export async function loadModel(
  spec: ResolvedModel,
  key: string,
  pool: OnnxPool,
  opts: Readonly<InferenceOptions>,
): Promise<LoadResult> {
  const label = modelLabel(spec.name, spec.sha256);
  const { bytes } = await obtainArtifact(spec, opts);
  let info: ReturnType<typeof readOnnxModel>;
  try {
    info = readOnnxModel(bytes);
  } catch (err) {
    throw new ModelArtifactError(
      'FLT_MODEL_INVALID',
      `model ${label}: not an ONNX model: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const sig = checkSignature(spec, info);
  const linear = opts.linearMaxRows > 0 ? extractLinear(info, sig, spec.outputs.kind) : undefined;
  const probe = probeRows(sig.width, linear);
  let onnx: Float64Array;
  try {
    onnx = await pool.load(
      {
        key,
        bytes,
        input: sig.input,
        output: sig.output,
        column: sig.column,
        kind: spec.outputs.kind,
        width: sig.width,
      },
      probe,
      PROBE_ROWS,
    );
  } catch (err) {
    if (err instanceof WorkerRequestError && err.failure !== 'run')
      throw new ModelArtifactError(
        err.failure === 'invalid' ? 'FLT_MODEL_INVALID' : 'FLT_MODEL_SIGNATURE',
        `model ${label}: ${err.message}`,
        { cause: err },
      );
    if (err instanceof Error && 'code' in err) throw err;
    throw new OnnxError(`model ${label}: loading failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let linearDiff = Number.NaN;
  let agreed = linear;
  if (linear) {
    const ts = linear.score(probe, PROBE_ROWS);
    linearDiff = 0;
    for (let i = 0; i < PROBE_ROWS; i++)
      linearDiff = Math.max(linearDiff, Math.abs((ts[i] as number) - (onnx[i] as number)));
    if (!(linearDiff <= LINEAR_TOLERANCE)) agreed = undefined;
  }
  return { model: new LoadedModel(spec, key, pool, agreed, opts), linearDiff };
}
