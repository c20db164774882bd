// Runs informers and controllers together, as controller-runtime's manager does: informers start
// on every replica (a standby keeps warm caches), controllers only on the leader. Losing the
// lease stops the controllers and, by default, exits the process so it restarts as a standby
// (nothing it did as leader can be trusted to continue). stop() is the graceful path: controllers
// finish their reconciles in flight, the lease is released for a standby, informers stop.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { KubeClient } from './client.ts';
import type { Controller } from './controller.ts';
import { EventRecorder } from './events.ts';
import { createInformer, type Informer } from './informer.ts';
import { LeaderElector } from './leader-election.ts';
import { type ControllerMetrics, controllerMetrics } from './metrics.ts';
import type { ResourceType } from './resource-type.ts';

export interface LeaderElectionOptions {
  enabled: boolean;
  leaseName: string;
  leaseNamespace: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ManagerOptions {
  kc: KubeConfig;
  /** Watch one namespace; all namespaces when undefined. */
  namespace?: string;
  leaderElection?: LeaderElectionOptions;
  registry: Registry;
  logger: Logger;
  /** Resync period of the informers this manager makes. @default 600000 (10 minutes) */
  resyncMs?: number;
  /** Called after the controllers stopped because the lease was lost. @default log, exit(1) */
  onLostLeadership?: () => void;
}

export interface ManagedInformerOptions {
  namespace?: string;
  labelSelector?: string;
  resyncMs?: number;
}

export class Manager {
  readonly client: KubeClient;
  readonly metrics: ControllerMetrics;
  readonly events: EventRecorder;
  readonly #opts: ManagerOptions;
  readonly #log: Logger;
  readonly #informers = new Map<string, Informer<KubernetesObject>>();
  readonly #controllers: Controller[] = [];
  readonly #elector: LeaderElector | undefined;
  #started = false;
  #leading = false;
  #lost = false;

  constructor(opts: ManagerOptions) {
    this.#opts = opts;
    this.#log = opts.logger;
    this.client = new KubeClient(opts.kc);
    this.metrics = controllerMetrics(opts.registry);
    this.events = new EventRecorder(this.client, {
      component: 'flotilla-operator',
      logger: opts.logger,
    });
    const le = opts.leaderElection;
    if (le?.enabled)
      this.#elector = new LeaderElector(this.client, {
        namespace: le.leaseNamespace,
        name: le.leaseName,
        identity: le.identity,
        leaseDurationMs: le.leaseDurationMs,
        renewDeadlineMs: le.renewDeadlineMs,
        retryPeriodMs: le.retryPeriodMs,
        logger: opts.logger,
        onStartedLeading: () => this.#startLeading(),
        onStoppedLeading: (reason) => {
          if (reason === 'lost') void this.#lostLeadership();
        },
      });
  }

  /** True while this replica runs the controllers. */
  get leading(): boolean {
    return this.#leading;
  }

  /** One informer per type, namespace and label selector, shared by every controller. */
  informer<T extends KubernetesObject>(
    type: ResourceType,
    opts: ManagedInformerOptions = {},
  ): Informer<T> {
    const namespace = opts.namespace ?? this.#opts.namespace;
    const id = JSON.stringify([
      type.group,
      type.version,
      type.plural,
      namespace ?? '',
      opts.labelSelector ?? '',
    ]);
    let informer = this.#informers.get(id);
    if (!informer) {
      informer = createInformer<KubernetesObject>(this.client, type, {
        namespace,
        labelSelector: opts.labelSelector,
        resyncMs: opts.resyncMs ?? this.#opts.resyncMs ?? 600_000,
        logger: this.#log,
      });
      this.#informers.set(id, informer);
      if (this.#started) void informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  add(controller: Controller): void {
    this.#controllers.push(controller);
    if (this.#leading) controller.start();
  }

  /**
   * Starts the informers and waits for their first lists, then runs the controllers: at once
   * without leader election, else once this replica holds the lease (start() does not wait for it).
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await Promise.all([...this.#informers.values()].map((i) => i.start()));
    this.#log.info({ informers: this.#informers.size }, 'caches synced');
    if (!this.#elector) {
      this.#startLeading();
      return;
    }
    this.metrics.leader.set(0);
    void this.#elector.run().catch((err) => this.#log.error({ err }, 'leader election failed'));
  }

  async stop(): Promise<void> {
    await this.#stopControllers();
    await this.events.flush();
    await this.#elector?.release();
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
    this.#started = false;
    this.#log.info('manager stopped');
  }

  /** Liveness: false once leadership was lost (the process should restart). */
  healthy(): boolean {
    return !this.#lost;
  }

  /** Readiness: every informer has its first list. */
  ready(): boolean {
    return this.#started && [...this.#informers.values()].every((i) => i.synced);
  }

  #startLeading(): void {
    this.#leading = true;
    this.metrics.leader.set(1);
    for (const c of this.#controllers) c.start();
    this.#log.info(
      { controllers: this.#controllers.map((c) => c.name) },
      'leading: controllers started',
    );
  }

  async #stopControllers(): Promise<void> {
    this.#leading = false;
    this.metrics.leader.set(0);
    await Promise.all(this.#controllers.map((c) => c.stop()));
  }

  async #lostLeadership(): Promise<void> {
    this.#lost = true;
    await this.#stopControllers();
    if (this.#opts.onLostLeadership) {
      this.#opts.onLostLeadership();
      return;
    }
    this.#log.fatal('lost the leader lease; exiting so that this replica restarts as a standby');
    process.exit(1);
  }
}
