// A Model's status from the outcome of verifying its artifact. Pure.
import { ModelReason, type ModelStatus } from '../../api/v1alpha1/model.ts';
import { type Verdict, verdictConditions } from '../verdict.ts';
import type { ModelCheck } from './verify-model.ts';

/** Unreachable artifacts may come back; the others need a new artifact or spec. */
export const isTransient = (reason: string) => reason === ModelReason.Unreachable;

export function modelVerdict(check: ModelCheck): Verdict {
  if (check.ok)
    return {
      ready: 'True',
      reason: ModelReason.Verified,
      message: `artifact verified: sha256 ${check.digest}, ${check.sizeBytes} bytes, inputs match`,
      progressing: false,
      degraded: false,
    };
  return {
    ready: 'False',
    reason: check.reason,
    message: check.message,
    progressing: isTransient(check.reason),
    degraded: true,
  };
}

/** The status once the check ran; verifiedTime stays put while the same digest stays verified. */
export function modelStatus(
  generation: number,
  previous: ModelStatus | undefined,
  check: ModelCheck,
  now: Date,
): ModelStatus {
  const conditions = verdictConditions(previous?.conditions, modelVerdict(check), generation, now);
  if (!check.ok) return { observedGeneration: generation, conditions };
  const same = previous?.digest === check.digest && previous.verifiedTime;
  return {
    observedGeneration: generation,
    conditions,
    digest: check.digest,
    sizeBytes: check.sizeBytes,
    verifiedTime: same ? previous.verifiedTime : now.toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

/** True when this generation is already verified: a reconcile has nothing to fetch. */
export function alreadyVerified(
  generation: number,
  spec: { sha256: string },
  status?: ModelStatus,
) {
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  return (
    status?.observedGeneration === generation &&
    status.digest === spec.sha256 &&
    ready?.status === 'True'
  );
}
