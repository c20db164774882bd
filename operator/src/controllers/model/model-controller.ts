// The Model controller: one key per Model. Verifies the artifact of each new generation once
// (fetch, sha256, ONNX signature) and records the outcome in status with an Event; a verified
// generation is never fetched again. Unreachable artifacts are retried.
import type { Logger } from 'pino';
import type { ArtifactOptions } from '../../../../runtime/src/inference/artifact.ts';
import type { KubeClient } from '../../kube/client.ts';
import { Controller } from '../../kube/controller.ts';
import type { EventRecorder } from '../../kube/events.ts';
import type { Informer } from '../../kube/informer.ts';
import type { ControllerMetrics } from '../../kube/metrics.ts';
import type { ObjectKey } from '../../kube/object-key.ts';
import { FLOTILLA } from '../../kube/resource-type.ts';
import { patchStatus, statusEqual } from '../../kube/status.ts';
import type { ModelResource } from '../fleet/fleet-controller.ts';
import { alreadyVerified, isTransient, modelStatus } from './model-status.ts';
import { verifyModel } from './verify-model.ts';

export interface ModelControllerDeps {
  kc: KubeClient;
  models: Informer<ModelResource>;
  artifacts: ArtifactOptions;
  events: EventRecorder;
  logger: Logger;
  metrics?: ControllerMetrics;
  /** Retry interval for an unreachable artifact, ms. @default 30000 */
  retryUnreachableMs?: number;
  /** Re-check interval for a wrong artifact (it may be republished), ms. @default 300000 */
  recheckFailedMs?: number;
}

export function modelController(d: ModelControllerDeps): Controller {
  async function reconcile(key: ObjectKey) {
    const m = d.models.get(key);
    if (!m || m.metadata.deletionTimestamp) return undefined;
    const generation = m.metadata.generation ?? 0;
    if (alreadyVerified(generation, m.spec, m.status)) return undefined;
    const check = await verifyModel(m.metadata.name as string, m.spec, d.artifacts);
    const status = modelStatus(generation, m.status, check, new Date());
    if (!statusEqual(m.status, status)) {
      await patchStatus(d.kc, FLOTILLA.model, m, status);
      const ready = status.conditions?.find((c) => c.type === 'Ready');
      if (ready)
        d.events.record(m, check.ok ? 'Normal' : 'Warning', ready.reason, ready.message ?? '');
    }
    if (check.ok) return undefined;
    return {
      requeueAfterMs: isTransient(check.reason)
        ? (d.retryUnreachableMs ?? 30_000)
        : (d.recheckFailedMs ?? 300_000),
    };
  }
  return new Controller({
    name: 'model',
    reconcile,
    workers: 2,
    logger: d.logger,
    metrics: d.metrics,
  }).watch(d.models);
}
