// A worker thread that is started again when it exits on its own: the ledger's thread must not
// stay dead, or the runner would go on committing into an outbox nobody ships until the outbox
// bound stopped its reads for good. Each start waits longer after a quick death (0.5 s doubling
// to 10 s); a start that lived a minute resets the wait.
import type { Worker } from 'node:worker_threads';
import { retryDelayMs } from './batching.ts';

export interface SupervisedWorkerOptions {
  /** Starts a thread and attaches its listeners (called again after each exit). */
  start: () => Worker;
  /** A thread exited without stop(); it starts again after `delayMs`. */
  onExit: (code: number, delayMs: number) => void;
  /** @default 500 */
  initialDelayMs?: number;
  /** @default 10000 */
  maxDelayMs?: number;
  /** A thread that ran this long resets the delay. @default 60000 */
  healthyAfterMs?: number;
}

export class SupervisedWorker {
  readonly #o: Required<SupervisedWorkerOptions>;
  #worker: Worker;
  #startedAt = Date.now();
  #quickDeaths = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopping = false;
  #restarts = 0;

  constructor(o: SupervisedWorkerOptions) {
    this.#o = { initialDelayMs: 500, maxDelayMs: 10_000, healthyAfterMs: 60_000, ...o };
    this.#worker = this.#start();
  }

  /** Starts after the first. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The thread running now (after an exit, the dead one until its successor starts). */
  get worker(): Worker {
    return this.#worker;
  }

  /** No more restarts; resolves once the current thread has exited (`end` asks it to). */
  async stop(end: (worker: Worker) => Promise<void>): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    const worker = this.#worker;
    if (worker.threadId >= 0) await end(worker);
  }

  #start(): Worker {
    const worker = this.#o.start();
    this.#startedAt = Date.now();
    worker.once('exit', (code) => {
      if (this.#stopping) return;
      if (Date.now() - this.#startedAt >= this.#o.healthyAfterMs) this.#quickDeaths = 0;
      const delayMs = retryDelayMs(++this.#quickDeaths, this.#o.initialDelayMs, this.#o.maxDelayMs);
      this.#o.onExit(code, delayMs);
      this.#timer = setTimeout(() => {
        this.#restarts++;
        this.#worker = this.#start();
      }, delayMs);
    });
    return worker;
  }
}
