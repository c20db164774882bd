// The controller layer's Prometheus metrics, on a registry the program passes in (never
// prom-client's global one). One instance per registry: controllerMetrics() memoises it.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type ReconcileResultLabel = 'success' | 'error' | 'requeue';

const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class ControllerMetrics {
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileDuration: Histogram<'controller'>;
  readonly workqueueDepth: Gauge<'controller'>;
  readonly workqueueRetries: Counter<'controller'>;
  readonly leader: Gauge;
  readonly #depths = new Map<string, () => number>();

  constructor(registry: Registry) {
    const registers = [registry];
    const depths = this.#depths;
    this.reconcileTotal = new Counter({
      name: 'flotilla_operator_reconcile_total',
      help: 'Reconciles by controller and result (success, error, requeue).',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: 'flotilla_operator_reconcile_duration_seconds',
      help: 'Time one reconcile takes, by controller.',
      labelNames: ['controller'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.workqueueDepth = new Gauge({
      name: 'flotilla_operator_workqueue_depth',
      help: 'Keys waiting in the work queue of each controller.',
      labelNames: ['controller'],
      registers,
      collect() {
        for (const [controller, depth] of depths) this.set({ controller }, depth());
      },
    });
    this.workqueueRetries = new Counter({
      name: 'flotilla_operator_workqueue_retries_total',
      help: 'Keys put back with backoff after a failed reconcile, by controller.',
      labelNames: ['controller'],
      registers,
    });
    this.leader = new Gauge({
      name: 'flotilla_operator_leader',
      help: '1 while this replica holds the leader Lease (or runs without leader election).',
      registers,
    });
  }

  /** Reports `depth()` as the controller's queue depth at each scrape. */
  observeQueue(controller: string, depth: () => number): void {
    this.#depths.set(controller, depth);
    this.workqueueDepth.set({ controller }, depth());
  }
}

const byRegistry = new WeakMap<Registry, ControllerMetrics>();

export function controllerMetrics(registry: Registry): ControllerMetrics {
  let m = byRegistry.get(registry);
  if (!m) {
    m = new ControllerMetrics(registry);
    byRegistry.set(registry, m);
  }
  return m;
}
