// A shared informer: list, then watch from the list's resourceVersion, keeping a cache and telling
// handlers about adds, updates and deletes. It never gives up: a broken watch resumes from the
// last resourceVersion after an exponential backoff with jitter, a closed one resumes at once,
// 410 Gone relists (and reports the differences), and bookmarks keep the resourceVersion fresh.
// A periodic resync re-emits 'update' for every cached object so level-triggered controllers
// re-check everything now and then.
//
// Built on watchStream rather than client-node 2.0.1's ListWatch, which stops for good on any
// watch error other than 410 or a timeout (it only calls the error handlers), cannot ask for
// bookmarks, has no resync, and resolves start() even when the first list failed.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type BackoffPolicy, backoffDelay } from './backoff.ts';
import { clientFor, type KubeClient } from './client.ts';
import { type CacheEvent, ObjectCache } from './object-cache.ts';
import type { ObjectKey } from './object-key.ts';
import { collectionPath, type ResourceType } from './resource-type.ts';
import { type WatchEvent, watchStream } from './watch-stream.ts';

export type InformerEvent = 'add' | 'update' | 'delete';
export type InformerHandler<T> = (obj: T, old?: T) => void;

export interface Informer<T extends KubernetesObject> {
  readonly type: ResourceType;
  /** True once the first list is in the cache. */
  readonly synced: boolean;
  /** Resolves once the first list is in the cache (or on stop()); again at once after a restart. */
  start(): Promise<void>;
  stop(): Promise<void>;
  get(key: ObjectKey): T | undefined;
  list(namespace?: string): T[];
  /** 'update' gets the previous object as `old` (the same object on a resync). */
  on(event: InformerEvent, handler: InformerHandler<T>): void;
}

export interface InformerOptions {
  /** Watch one namespace; all namespaces when undefined. */
  namespace?: string;
  labelSelector?: string;
  /** Re-emit 'update' for every cached object this often; 0 turns it off. @default 0 */
  resyncMs?: number;
  logger: Logger;
  /** Delay between failed attempts. @default { baseMs: 800, maxMs: 30000, jitter: 0.5 } */
  backoff?: BackoffPolicy;
  /**
   * A watch that carries no byte for this long is treated as dead and resumed. The API server
   * sends a bookmark about every minute. @default 90000
   */
  idleTimeoutMs?: number;
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 800, maxMs: 30_000, jitter: 0.5 };

export function createInformer<T extends KubernetesObject>(
  kc: KubeConfig | KubeClient,
  type: ResourceType,
  opts: InformerOptions,
): Informer<T> {
  return new ListWatchInformer<T>(clientFor(kc), type, opts);
}

class ListWatchInformer<T extends KubernetesObject> implements Informer<T> {
  readonly type: ResourceType;
  readonly #client: KubeClient;
  readonly #opts: InformerOptions;
  readonly #log: Logger;
  readonly #cache = new ObjectCache<T>();
  readonly #handlers: Record<InformerEvent, InformerHandler<T>[]> = {
    add: [],
    update: [],
    delete: [],
  };
  #resourceVersion = '';
  #synced = false;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #resync: NodeJS.Timeout | undefined;
  #firstSync = Promise.withResolvers<void>();

  constructor(client: KubeClient, type: ResourceType, opts: InformerOptions) {
    this.#client = client;
    this.type = type;
    this.#opts = opts;
    this.#log = opts.logger.child({
      informer: type.plural,
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
    });
  }

  get synced(): boolean {
    return this.#synced;
  }

  /** The resourceVersion the next watch resumes from ('' before the first list). */
  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  get(key: ObjectKey): T | undefined {
    return this.#cache.get(key);
  }

  list(namespace?: string): T[] {
    return this.#cache.list(namespace);
  }

  on(event: InformerEvent, handler: InformerHandler<T>): void {
    this.#handlers[event].push(handler);
  }

  start(): Promise<void> {
    if (!this.#loop) {
      const abort = new AbortController();
      this.#abort = abort;
      this.#loop = this.#run(abort.signal);
      const resyncMs = this.#opts.resyncMs ?? 0;
      if (resyncMs > 0) {
        this.#resync = setInterval(() => this.#resyncAll(), resyncMs);
        this.#resync.unref();
      }
    }
    // A restarted informer keeps its cache and resumes from its resourceVersion.
    return this.#synced ? Promise.resolve() : this.#firstSync.promise;
  }

  async stop(): Promise<void> {
    clearInterval(this.#resync);
    this.#abort?.abort();
    await this.#loop;
    this.#loop = undefined;
    if (!this.#synced) {
      // Release whoever waits in start(); a later start() waits afresh.
      this.#firstSync.resolve();
      this.#firstSync = Promise.withResolvers<void>();
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    const backoff = this.#opts.backoff ?? DEFAULT_BACKOFF;
    let failures = 0;
    while (!signal.aborted) {
      if (!this.#resourceVersion) {
        try {
          await this.#relist();
        } catch (err) {
          failures++;
          const delayMs = backoffDelay(failures, backoff);
          this.#log.warn({ err, failures, delayMs }, 'list failed; retrying');
          await sleep(delayMs, undefined, { signal }).catch(() => undefined);
          continue;
        }
      }
      let received = false;
      const end = await watchStream<T>(
        this.#client,
        {
          path: collectionPath(this.type, this.#opts.namespace),
          resourceVersion: this.#resourceVersion,
          labelSelector: this.#opts.labelSelector,
          // Spread reconnects of many informers, as client-go does (5 to 10 minutes).
          timeoutSeconds: Math.floor(300 + Math.random() * 300),
          idleTimeoutMs: this.#opts.idleTimeoutMs ?? 90_000,
        },
        (e) => {
          received = true;
          this.#onWatchEvent(e);
        },
        signal,
      );
      switch (end.kind) {
        case 'stopped':
          return;
        case 'closed':
          failures = 0;
          break;
        case 'expired':
          this.#log.info(
            { resourceVersion: this.#resourceVersion },
            'watch history expired (410); relisting',
          );
          this.#resourceVersion = '';
          failures = 0;
          break;
        case 'failed': {
          // A watch that worked before it broke starts the backoff over.
          failures = received ? 1 : failures + 1;
          const delayMs = backoffDelay(failures, backoff);
          this.#log.warn({ err: end.error, failures, delayMs }, 'watch failed; resuming');
          await sleep(delayMs, undefined, { signal }).catch(() => undefined);
        }
      }
    }
  }

  async #relist(): Promise<void> {
    const { items, resourceVersion } = await this.#client.list<T>(this.type, {
      namespace: this.#opts.namespace,
      labelSelector: this.#opts.labelSelector,
    });
    for (const e of this.#cache.replace(items)) this.#emit(e);
    this.#resourceVersion = resourceVersion;
    if (!this.#synced) {
      this.#synced = true;
      this.#log.debug({ objects: items.length, resourceVersion }, 'synced');
    }
    this.#firstSync.resolve();
  }

  #onWatchEvent(e: WatchEvent<T>): void {
    if (e.type === 'ADDED' || e.type === 'MODIFIED') this.#emit(this.#cache.upsert(e.object));
    else if (e.type === 'DELETED') this.#emit(this.#cache.remove(e.object));
    const rv = e.object.metadata?.resourceVersion;
    if (rv) this.#resourceVersion = rv;
  }

  #resyncAll(): void {
    if (!this.#synced) return;
    for (const obj of this.#cache.list()) this.#emit({ type: 'update', obj, old: obj });
  }

  #emit(e: CacheEvent<T> | undefined): void {
    if (!e) return;
    const old = e.type === 'update' ? e.old : undefined;
    for (const handler of this.#handlers[e.type]) {
      try {
        handler(e.obj, old);
      } catch (err) {
        this.#log.error({ err, event: e.type }, 'informer handler threw');
      }
    }
  }
}
