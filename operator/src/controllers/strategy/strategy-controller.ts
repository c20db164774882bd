// The Strategy status controller: one key per Strategy. Folds the placement (shard ConfigMaps),
// its Model's verification and its runner's Redis report (read by the ReportPoller, which wakes
// it when the report changes) into status, written through /status only when it changed, with
// an Event when Ready changes.
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { KubeClient } from '../../kube/client.ts';
import { Controller } from '../../kube/controller.ts';
import type { EventRecorder } from '../../kube/events.ts';
import type { Informer } from '../../kube/informer.ts';
import type { ControllerMetrics } from '../../kube/metrics.ts';
import type { ObjectKey } from '../../kube/object-key.ts';
import { FLOTILLA } from '../../kube/resource-type.ts';
import { patchStatus, statusEqual } from '../../kube/status.ts';
import type { ModelResource, StrategyResource } from '../fleet/fleet-controller.ts';
import { overflowMessage, readOverflow } from '../fleet/overflow-configmap.ts';
import { cachedPlacements, ShardConfigCache } from '../fleet/shard-configmaps.ts';
import { alreadyVerified } from '../model/model-status.ts';
import { ReportPoller } from './report-poller.ts';
import { type ModelState, strategyStatus } from './strategy-status.ts';

export interface StrategyControllerDeps {
  kc: KubeClient;
  namespace: string;
  redis: Redis;
  informers: {
    strategies: Informer<StrategyResource>;
    models: Informer<ModelResource>;
    configMaps: Informer<V1ConfigMap>;
  };
  events: EventRecorder;
  logger: Logger;
  metrics?: ControllerMetrics;
  /** How often counter-only changes reach status, ms. */
  refreshMs: number;
  /** How often runner reports are read, ms. @default 1000 */
  pollMs?: number;
}

function modelState(m: ModelResource | undefined, name: string): ModelState | undefined {
  if (!m) return undefined;
  const ready = m.status?.conditions?.find((c) => c.type === 'Ready');
  const verified = alreadyVerified(m.metadata.generation ?? 0, m.spec, m.status);
  return {
    name,
    verified,
    ...(ready ? { reason: ready.reason, message: ready.message } : {}),
    failed:
      !verified && m.status?.conditions?.find((c) => c.type === 'Degraded')?.status === 'True',
  };
}

export function strategyController(d: StrategyControllerDeps): {
  controller: Controller;
  reports: ReportPoller;
} {
  const { informers: inf, namespace: ns } = d;
  const shardConfigs = new ShardConfigCache();
  const placements = () => cachedPlacements(shardConfigs.configs(inf.configMaps.list(ns)));
  const staleAfterMs = Math.max(15_000, 3 * (d.pollMs ?? 1_000));
  const reports = new ReportPoller({
    redis: d.redis,
    namespace: ns,
    placements,
    onChange: (names) => {
      for (const name of names) controller.enqueue({ namespace: ns, name });
    },
    logger: d.logger,
    intervalMs: d.pollMs ?? 1_000,
    refreshMs: d.refreshMs,
    staleAfterMs,
  });

  async function reconcile(key: ObjectKey) {
    const s = inf.strategies.get(key);
    if (!s || s.metadata.deletionTimestamp) return undefined;
    const name = s.metadata.name as string;
    const generation = s.metadata.generation ?? 0;
    const placement = placements().get(name);
    const ref = s.spec.modelRef?.name;
    const model = ref ? modelState(inf.models.get({ namespace: ns, name: ref }), ref) : undefined;
    const report = placement ? reports.report(name) : undefined;
    const overflow = readOverflow(inf.configMaps.list(ns));
    const leftOut = overflow?.strategies.includes(name) ? overflowMessage(overflow) : undefined;
    const now = new Date();
    const status = strategyStatus(
      {
        generation,
        spec: s.spec,
        status: s.status,
        placement,
        model,
        report,
        leftOut,
        nowMs: now.getTime(),
        staleAfterMs,
      },
      now,
    );
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    if (!statusEqual(s.status, status)) {
      await patchStatus(d.kc, FLOTILLA.strategy, s, status);
      // Events for notable transitions only: Ready flipping (reason-only changes while
      // waiting would be one Event per strategy per step).
      const was = s.status?.conditions?.find((c) => c.type === 'Ready');
      const degraded = status.conditions?.find((c) => c.type === 'Degraded')?.status === 'True';
      if (ready && was?.status !== ready.status && (was || ready.status === 'True' || degraded))
        d.events.record(s, degraded ? 'Warning' : 'Normal', ready.reason, ready.message ?? '');
    }
    return undefined;
  }

  // A shard ConfigMap change concerns the strategies it lists (and any it dropped, which the
  // Strategy informer's resync catches; deleted strategies need no status); the overflow
  // ConfigMap's, the strategies it leaves out (once placed, their shard's ConfigMap changes).
  const strategiesIn = (cm: V1ConfigMap): ObjectKey[] => {
    const names =
      readOverflow([cm])?.strategies ??
      (shardConfigs.config(cm)?.strategies ?? []).map((x) => x.name);
    return names.map((name) => ({ namespace: ns, name }));
  };
  const usersOf = (m: ModelResource): ObjectKey[] =>
    inf.strategies
      .list(ns)
      .filter((x) => x.spec.modelRef?.name === m.metadata.name)
      .map((x) => ({ namespace: ns, name: x.metadata.name as string }));

  const controller = new Controller({
    name: 'strategy',
    reconcile,
    workers: 4,
    logger: d.logger,
    metrics: d.metrics,
  })
    .watch(inf.strategies)
    .watch(inf.configMaps, strategiesIn)
    .watch(inf.models, usersOf);
  return { controller, reports };
}
