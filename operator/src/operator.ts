// `flotilla operator`: wires the controller layer, the three controllers, Redis, the HTTP
// surfaces and leader election together. Every standby keeps warm informer caches; only the
// leader reconciles. Stop order: controllers (finish in-flight reconciles), Lease released,
// informers, Redis, HTTP.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { Registry } from 'prom-client';
import { defaultCacheDir } from '../../runtime/src/inference/artifact.ts';
import type { OperatorConfig } from './config.ts';
import {
  FLEET_KEY,
  fleetController,
  type ModelResource,
  type StrategyResource,
} from './controllers/fleet/fleet-controller.ts';
import { modelController } from './controllers/model/model-controller.ts';
import { MANAGED_BY } from './controllers/strategy/desired-runners.ts';
import { strategyController } from './controllers/strategy/strategy-controller.ts';
import { loadKubeConfig } from './kube/config.ts';
import { Manager } from './kube/manager.ts';
import { CORE, FLOTILLA } from './kube/resource-type.ts';
import { operatorRegistry } from './operator-registry.ts';
import { buildHealthApp, buildMetricsApp } from './server.ts';

export interface RunningOperator {
  readonly manager: Manager;
  readonly registry: Registry;
  /** Addresses actually bound (port 0 picks a free one). */
  readonly metricsUrl: string | undefined;
  readonly healthUrl: string | undefined;
  stop(): Promise<void>;
}

export interface OperatorHooks {
  /** Called when leadership is lost; the default exits the process (controller-runtime does too). */
  onLostLeadership?: () => void;
}

export async function startOperator(
  config: OperatorConfig,
  hooks: OperatorHooks = {},
): Promise<RunningOperator> {
  const logger = pino({
    level: config.logLevel,
    base: { component: 'operator', namespace: config.namespace },
  });
  const kc = loadKubeConfig();
  const { registry, fleetMetrics } = operatorRegistry();
  const ns = config.namespace;
  const manager = new Manager({
    kc,
    namespace: ns,
    registry,
    logger,
    leaderElection: {
      enabled: config.leaderElect,
      leaseName: config.leaderElectionId,
      leaseNamespace: ns,
      identity: config.identity,
    },
    onLostLeadership:
      hooks.onLostLeadership ??
      (() => {
        logger.fatal('lost leadership: exiting so a fresh process starts as a standby');
        process.exit(1);
      }),
  });
  // A Redis that is down must not stop the fleet being rendered: commands fail fast (statuses
  // then say so) while the client keeps reconnecting in the background.
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 250, 5_000),
  });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis'));
  redis.connect().catch((err) => logger.warn({ err: err.message }, 'redis unreachable; retrying'));

  const owned = `app.kubernetes.io/managed-by=${MANAGED_BY}`;
  const informers = {
    strategies: manager.informer<StrategyResource>(FLOTILLA.strategy),
    models: manager.informer<ModelResource>(FLOTILLA.model),
    configMaps: manager.informer<V1ConfigMap>(CORE.configMap, { labelSelector: owned }),
    statefulSets: manager.informer(CORE.statefulSet, { labelSelector: owned }),
    services: manager.informer(CORE.service, { labelSelector: owned }),
    podDisruptionBudgets: manager.informer(CORE.podDisruptionBudget, { labelSelector: owned }),
  };
  const { events, metrics } = manager;
  const fleet = fleetController({
    kc: manager.client,
    config,
    informers,
    events,
    logger,
    metrics,
    fleetMetrics,
  });
  manager.add(fleet);
  const strategies = strategyController({
    kc: manager.client,
    namespace: ns,
    redis,
    informers,
    events,
    logger,
    metrics,
    refreshMs: config.statusRefreshMs,
  });
  manager.add(strategies.controller);
  manager.add(
    modelController({
      kc: manager.client,
      models: informers.models,
      artifacts: {
        cacheDir: defaultCacheDir(),
        fetchTimeoutMs: 30_000,
        maxModelBytes: 256 * 1024 * 1024,
      },
      events,
      logger,
      metrics,
    }),
  );

  const metricsApp = buildMetricsApp(registry);
  const healthApp = buildHealthApp({
    healthy: () => manager.healthy(),
    missing: () => (manager.ready() ? [] : ['informer caches']),
    details: () => ({ leader: manager.leading, redis: redis.status }),
  });
  const listen = async (app: typeof metricsApp, at: OperatorConfig['metricsAddress']) =>
    at ? app.listen({ host: at.host, port: at.port }) : undefined;
  const metricsUrl = await listen(metricsApp, config.metricsAddress);
  const healthUrl = await listen(healthApp, config.healthAddress);

  await manager.start();
  strategies.reports.start();
  // Converge once at start even when nothing changes (e.g. the fleet objects were deleted).
  fleet.enqueue({ namespace: ns, name: FLEET_KEY });
  logger.info({ leaderElect: config.leaderElect, identity: config.identity }, 'operator started');

  return {
    manager,
    registry,
    metricsUrl,
    healthUrl,
    async stop() {
      await manager.stop();
      await strategies.reports.stop();
      redis.disconnect();
      await Promise.all([metricsApp.close(), healthApp.close()]);
      logger.info('operator stopped');
    },
  };
}
