// A controller in the controller-runtime style: informer events become keys in a work queue;
// workers call reconcile(key) with each key, never one key on two workers at once. A thrown
// error puts the key back with per-key exponential backoff; success forgets its failures;
// `requeueAfterMs` asks for a timed recheck. Reconcile is level-triggered: it gets a key, not
// the event, and reads the current state from the informer caches.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Informer } from './informer.ts';
import type { ControllerMetrics, ReconcileResultLabel } from './metrics.ts';
import { formatKey, keyOf, type ObjectKey, parseKey } from './object-key.ts';
import { WorkQueue, type WorkQueueOptions } from './workqueue.ts';

export interface ReconcileResult {
  /** Reconcile this key again after this long (a timed recheck, not an error). */
  requeueAfterMs?: number;
}

export type Reconciler = (key: ObjectKey) => Promise<ReconcileResult | undefined>;

export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  /** Keys reconciled concurrently (different keys only). @default 1 */
  workers?: number;
  metrics?: ControllerMetrics;
  logger: Logger;
  /** Retry backoff and overall retry rate. */
  queue?: WorkQueueOptions;
}

export interface OwnerKind {
  kind: string;
  apiVersion: string;
}

export class Controller {
  readonly name: string;
  readonly #reconcile: Reconciler;
  readonly #workerCount: number;
  readonly #metrics: ControllerMetrics | undefined;
  readonly #log: Logger;
  readonly #queueOptions: WorkQueueOptions;
  #queue: WorkQueue;
  readonly #replays: (() => void)[] = [];
  #workers: Promise<void>[] = [];

  constructor(opts: ControllerOptions) {
    this.name = opts.name;
    this.#reconcile = opts.reconcile;
    this.#workerCount = Math.max(1, opts.workers ?? 1);
    this.#metrics = opts.metrics;
    this.#log = opts.logger.child({ controller: opts.name });
    this.#queueOptions = opts.queue ?? {};
    this.#queue = new WorkQueue(this.#queueOptions);
  }

  get running(): boolean {
    return this.#workers.length > 0;
  }

  /** Keys waiting in the queue. */
  get queueLength(): number {
    return this.#queue.length;
  }

  /** Reconciles the keys `map` returns for each object that changes (default: its own key). */
  watch<T extends KubernetesObject>(
    informer: Informer<T>,
    map: (obj: T) => ObjectKey[] = (obj) => [keyOf(obj)],
  ): this {
    const enqueueAll = (objs: T[]) => {
      const keys = new Set(objs.flatMap((obj) => map(obj).map(formatKey)));
      for (const key of keys) this.#queue.add(key);
    };
    informer.on('add', (obj) => enqueueAll([obj]));
    // An update can change which keys an object maps to: reconcile the old ones too.
    informer.on('update', (obj, old) => enqueueAll(old ? [obj, old] : [obj]));
    informer.on('delete', (obj) => enqueueAll([obj]));
    // Objects cached before start() were announced to nobody: start() replays them.
    this.#replays.push(() => {
      enqueueAll(informer.list());
    });
    return this;
  }

  /** Reconciles the owner of each changing object: its ownerReference with `controller: true`. */
  watchOwned<T extends KubernetesObject>(informer: Informer<T>, owner: OwnerKind): this {
    return this.watch(informer, (obj) => controllerOwnerKeys(obj, owner));
  }

  enqueue(key: ObjectKey): void {
    this.#queue.add(formatKey(key));
  }

  start(): void {
    if (this.running) return;
    if (this.#queue.shuttingDown) this.#queue = new WorkQueue(this.#queueOptions);
    const queue = this.#queue;
    this.#metrics?.observeQueue(this.name, () => queue.length);
    for (const replay of this.#replays) replay();
    this.#workers = Array.from({ length: this.#workerCount }, () => this.#work(queue));
    this.#log.info({ workers: this.#workerCount }, 'controller started');
  }

  /** Stops taking keys and waits for the reconciles in flight. */
  async stop(): Promise<void> {
    this.#queue.shutDown();
    await Promise.all(this.#workers);
    this.#workers = [];
    this.#log.info('controller stopped');
  }

  async #work(queue: WorkQueue): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.#reconcileKey(queue, key);
      } finally {
        queue.done(key);
      }
    }
  }

  async #reconcileKey(queue: WorkQueue, key: string): Promise<void> {
    const endTimer = this.#metrics?.reconcileDuration.startTimer({ controller: this.name });
    let result: ReconcileResultLabel;
    try {
      const outcome = await this.#reconcile(parseKey(key));
      queue.forget(key);
      const after = outcome?.requeueAfterMs;
      if (after !== undefined && after > 0) {
        queue.addAfter(key, after);
        result = 'requeue';
      } else result = 'success';
    } catch (err) {
      result = 'error';
      this.#log.error(
        { err, key, retries: queue.numRequeues(key) },
        'reconcile failed; retrying with backoff',
      );
      this.#metrics?.workqueueRetries.inc({ controller: this.name });
      queue.addRateLimited(key);
    }
    endTimer?.();
    this.#metrics?.reconcileTotal.inc({ controller: this.name, result });
  }
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
}

/** The key of the object's controlling owner of the given kind (any version of its group). */
export function controllerOwnerKeys(obj: KubernetesObject, owner: OwnerKind): ObjectKey[] {
  const namespace = obj.metadata?.namespace;
  return (obj.metadata?.ownerReferences ?? [])
    .filter(
      (ref) =>
        ref.controller === true &&
        ref.kind === owner.kind &&
        groupOf(ref.apiVersion) === groupOf(owner.apiVersion),
    )
    .map((ref) => (namespace ? { namespace, name: ref.name } : { name: ref.name }));
}
