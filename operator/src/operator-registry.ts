// The operator's Prometheus registry, as `flotilla operator` serves it on /metrics: Node.js
// process metrics, the controller layer's metrics and the fleet gauges. One function, so the
// dashboards' test checks their queries against what the program really exports.
import { collectDefaultMetrics, Registry } from 'prom-client';
import { FleetMetrics } from './controllers/fleet/fleet-metrics.ts';
import { controllerMetrics } from './kube/metrics.ts';

export const OPERATOR_PROCESS_PREFIX = 'flotilla_operator_';

export function operatorRegistry(): { registry: Registry; fleetMetrics: FleetMetrics } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: OPERATOR_PROCESS_PREFIX });
  controllerMetrics(registry); // the Manager takes this same instance (memoised per registry)
  return { registry, fleetMetrics: new FleetMetrics(registry) };
}
