// A keyed work queue with client-go's semantics: a key is never handed to two workers at once;
// adding a key that is already queued does nothing; adding one that is being processed queues
// it again once done() is called; delayed and rate-limited adds (see rate-limiter.ts).
// shutDown() drops what is queued (a controller is level-triggered: whoever runs next will list
// everything again) and wakes idle workers with undefined; in-flight keys still call done().
import { ControllerRateLimiter, type RateLimiterOptions } from './rate-limiter.ts';

export type WorkQueueOptions = RateLimiterOptions;

export class WorkQueue {
  readonly #limiter: ControllerRateLimiter;
  #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  #waiters: ((key: string | undefined) => void)[] = [];
  #shuttingDown = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.#limiter = new ControllerRateLimiter(opts);
  }

  /** Keys waiting to be processed (not counting delayed ones). */
  get length(): number {
    return this.#queue.length;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#enqueue(key);
  }

  /** Adds `key` after `ms`; of several pending delays for a key the earliest wins. */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    clearTimeout(pending?.timer);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.#delayed.set(key, { at, timer });
  }

  /** Adds `key` after its backoff: exponential per key, bounded by the overall rate limit. */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return;
    this.addAfter(key, this.#limiter.when(key));
  }

  /** The key succeeded: its next failure starts the backoff over. */
  forget(key: string): void {
    this.#limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.#limiter.numRequeues(key);
  }

  /** The next key to process, marked as processing until done(key); undefined once shut down. */
  get(): Promise<string | undefined> {
    const key = this.#queue.shift();
    if (key !== undefined) return Promise.resolve(this.#take(key));
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  done(key: string): void {
    this.#processing.delete(key);
    if (this.#shuttingDown) this.#dirty.delete(key);
    else if (this.#dirty.has(key)) this.#enqueue(key);
  }

  shutDown(): void {
    this.#shuttingDown = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    for (const key of this.#queue) this.#dirty.delete(key);
    this.#queue = [];
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake(undefined);
  }

  #enqueue(key: string): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(this.#take(key));
    else this.#queue.push(key);
  }

  #take(key: string): string {
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }
}
