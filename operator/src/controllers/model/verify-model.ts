// Verifies a Model's artifact the way a runner will load it: fetch (https, http, file), sha256
// against the spec, then the ONNX signature against the declared feature keys and output. The
// runtime's artifact and signature checks are reused so the operator and the runners agree.

import {
  type ArtifactOptions,
  obtainArtifact,
} from '../../../../runtime/src/inference/artifact.ts';
import { loadFailureReason } from '../../../../runtime/src/inference/errors.ts';
import { readOnnxModel } from '../../../../runtime/src/inference/onnx-proto.ts';
import { checkSignature } from '../../../../runtime/src/inference/signature.ts';
import { resolveModel } from '../../api/shard/resolve.ts';
import type { ModelSpec } from '../../api/v1alpha1/model.ts';

export type ModelCheck =
  | { ok: true; digest: string; sizeBytes: number }
  | { ok: false; reason: string; message: string };

export async function verifyModel(
  name: string,
  spec: ModelSpec,
  opts: ArtifactOptions,
): Promise<ModelCheck> {
  const model = resolveModel(name, spec);
  try {
    const { bytes } = await obtainArtifact(model, opts);
    checkSignature(model, readOnnxModel(bytes));
    return { ok: true, digest: model.sha256, sizeBytes: bytes.byteLength };
  } catch (err) {
    return { ok: false, reason: loadFailureReason(err), message: (err as Error).message };
  }
}
