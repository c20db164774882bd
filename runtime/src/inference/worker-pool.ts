// A pool of onnxruntime worker threads. Every worker holds a session of every loaded model, so
// any run can go to the least busy worker. A worker that times out is replaced at once (and
// stopped once it has answered); one that dies is replaced; replacements reload every session
// from the bytes kept here. (piscina does
// not fit: a task cannot be sent to every worker, which loading and releasing sessions need.)
import { Worker } from 'node:worker_threads';
import { InferenceRejectedError, OnnxError } from './errors.ts';
import type { LoadRequest, WorkerFailure, WorkerReply, WorkerRequest } from './worker-protocol.ts';

/** What a worker needs to create a session (the load request without its id and probe rows). */
export type PoolModel = Omit<LoadRequest, 'type' | 'id' | 'probe' | 'probeRows'>;

export interface PoolOptions {
  /** Worker threads. */
  size: number;
  /** A run not answered within this is failed and its worker replaced. */
  runTimeoutMs: number;
  /** A session create plus warm-up not answered within this is failed. */
  loadTimeoutMs: number;
}

/** A failed worker request: `failure` says whether the artifact, its signature or a run failed. */
export class WorkerRequestError extends Error {
  readonly failure: WorkerFailure;
  constructor(failure: WorkerFailure, message: string) {
    super(message);
    this.failure = failure;
  }
}

interface Pending {
  resolve: (scores: Float64Array | undefined) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

const WORKER_URL = new URL('./onnx-worker.ts', import.meta.url);

class PoolWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  readonly loaded = new Set<string>();
  /** Session creates in progress: they block the thread, so runs go elsewhere meanwhile. */
  loading = 0;
  dead = false;

  constructor(onExit: (w: PoolWorker, err: Error) => void) {
    this.worker = new Worker(WORKER_URL);
    this.worker.on('message', (reply: WorkerReply) => this.#answer(reply));
    this.worker.on('error', (err) => onExit(this, err));
    this.worker.on('exit', (code) => onExit(this, new Error(`exited with code ${code}`)));
  }

  #answer(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return; // timed out already
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.ok) p.resolve(reply.scores);
    else p.reject(new WorkerRequestError(reply.failure, reply.message));
  }

  send(
    msg: WorkerRequest,
    timeoutMs: number,
    onTimeout: () => void,
    transfer: ArrayBuffer[] = [],
  ): Promise<Float64Array | undefined> {
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.pending.delete(msg.id);
              reject(new OnnxError(`no answer within ${timeoutMs} ms`, { timeout: true }));
              onTimeout();
            }, timeoutMs)
          : undefined;
      this.pending.set(msg.id, { resolve, reject, timer });
      this.worker.postMessage(msg, transfer);
    });
  }

  failAll(err: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}

export class OnnxPool {
  readonly #opts: PoolOptions;
  #workers: PoolWorker[] = [];
  /** Workers taken out of service, finishing what they hold before they are stopped. */
  readonly #retiring = new Map<PoolWorker, Promise<void>>();
  /** Models loaded in every worker, kept to reload a replaced worker. */
  readonly #models = new Map<string, PoolModel>();
  #nextId = 1;
  #closed = false;
  /** Workers replaced after dying or timing out (for tests and status). */
  replacements = 0;

  constructor(opts: PoolOptions) {
    this.#opts = opts;
    for (let i = 0; i < opts.size; i++) this.#workers.push(this.#spawn());
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Sessions held per worker in service (every model once per worker when all is well). */
  sessions(): number[] {
    return this.#workers.map((w) => w.loaded.size);
  }

  /** Workers out of service still finishing their requests. */
  get retiring(): number {
    return this.#retiring.size;
  }

  #spawn(): PoolWorker {
    return new PoolWorker((w, err) => this.#lost(w, err));
  }

  /** Puts a fresh worker in `w`'s place and loads every model into it. */
  #replace(w: PoolWorker): void {
    if (this.#closed || !this.#workers.includes(w)) return;
    const replacement = this.#spawn();
    this.#workers = this.#workers.map((x) => (x === w ? replacement : x));
    this.replacements++;
    for (const m of this.#models.values())
      void this.#loadIn(replacement, m, new Float32Array(m.width), 1).catch(() => {});
  }

  /** A worker thread died: fail its requests and replace it. */
  #lost(w: PoolWorker, err: Error): void {
    if (w.dead) return;
    w.dead = true;
    w.failAll(new OnnxError(`onnxruntime worker thread ${err.message}`, { cause: err }));
    this.#retiring.delete(w);
    this.#replace(w);
  }

  /**
   * A worker stopped answering in time: replace it at once, and stop it only once it has
   * finished what it was given. Terminating a thread while an onnxruntime call is in flight can
   * abort the whole process (a native exception with no JavaScript left to catch it), so a
   * worker that never answers again is left alone (unref'd) rather than terminated.
   */
  #retire(w: PoolWorker): void {
    if (w.dead || this.#retiring.has(w)) return;
    this.#replace(w);
    this.#workers = this.#workers.filter((x) => x !== w);
    w.worker.unref();
    this.#retiring.set(w, this.#stop(w, 0));
  }

  /** Releases the worker's sessions after its queued requests, then ends the thread. */
  async #stop(w: PoolWorker, timeoutMs: number): Promise<void> {
    if (w.dead) return;
    try {
      await w.send({ type: 'close', id: this.#nextId++ }, timeoutMs, () => {});
    } catch {
      // timed out (at close only): stopped below regardless
    }
    if (w.dead) return;
    w.dead = true;
    this.#retiring.delete(w);
    w.failAll(new InferenceRejectedError('unloaded', 'the inference pool is closed'));
    await w.worker.terminate();
  }

  #loadIn(w: PoolWorker, m: PoolModel, probe: Float32Array, probeRows: number) {
    const msg: LoadRequest = { type: 'load', id: this.#nextId++, ...m, probe, probeRows };
    w.loading++;
    return w
      .send(msg, this.#opts.loadTimeoutMs, () => this.#retire(w))
      .then((scores) => {
        if (!w.dead && this.#models.has(m.key)) w.loaded.add(m.key);
        return scores ?? new Float64Array(0);
      })
      .finally(() => {
        w.loading--;
      });
  }

  /**
   * Creates the model's session in every worker, one worker after the other (a create blocks its
   * thread; runs go to the others meanwhile), and warms each with the probe rows. Resolves with
   * the probe scores of the first worker. Rejects with WorkerRequestError (the artifact or its
   * signature) or OnnxError, after releasing whatever did load.
   */
  async load(m: PoolModel, probe: Float32Array, probeRows: number): Promise<Float64Array> {
    if (this.#closed) throw new InferenceRejectedError('unloaded', 'the inference pool is closed');
    this.#models.set(m.key, m);
    let first: Float64Array | undefined;
    try {
      for (const w of [...this.#workers]) {
        if (w.dead) continue; // its replacement loads every model by itself
        const scores = await this.#loadIn(w, m, probe, probeRows);
        first ??= scores;
      }
    } catch (err) {
      this.release(m.key);
      throw err;
    }
    if (!first) throw new OnnxError(`no worker thread could load ${m.key}`);
    return first;
  }

  /**
   * Scores n rows with the least busy worker holding the model. `rows` is transferred (detached
   * here) when it spans its whole buffer, else copied.
   */
  run(key: string, rows: Float32Array, n: number): Promise<Float64Array> {
    // The least busy worker holding the model, preferring one not creating a session.
    let best: PoolWorker | undefined;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const w of this.#workers) {
      if (w.dead || !w.loaded.has(key)) continue;
      const cost = w.pending.size + (w.loading > 0 ? 1_000_000 : 0);
      if (cost < bestCost) {
        best = w;
        bestCost = cost;
      }
    }
    if (!best)
      return Promise.reject(
        this.#closed
          ? new InferenceRejectedError('unloaded', 'the inference pool is closed')
          : new OnnxError(`no worker thread holds a session for ${key}`),
      );
    const w = best;
    const id = this.#nextId++;
    const buffer = rows.buffer as ArrayBuffer;
    const transfer = rows.byteOffset === 0 && rows.byteLength === buffer.byteLength ? [buffer] : [];
    return w
      .send(
        { type: 'run', id, key, rows, n },
        this.#opts.runTimeoutMs,
        () => this.#retire(w),
        transfer,
      )
      .then((scores) => scores ?? new Float64Array(0));
  }

  /** Releases the model's session in every worker (after the runs already queued there). */
  release(key: string): void {
    this.#models.delete(key);
    for (const w of this.#workers) {
      if (w.dead) continue;
      w.loaded.delete(key);
      void w.send({ type: 'release', id: this.#nextId++, key }, 0, () => {}).catch(() => {});
    }
  }

  /** Test and benchmark hook: blocks every worker thread for `ms` (a hung native call). */
  stall(ms: number): void {
    for (const w of this.#workers)
      void w.send({ type: 'stall', id: this.#nextId++, ms }, 0, () => {}).catch(() => {});
  }

  /**
   * Stops every worker after the requests it already holds (at most `closeTimeoutMs` each),
   * releasing its sessions first.
   */
  async close(closeTimeoutMs = 5_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#models.clear();
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all([
      ...workers.map((w) => this.#stop(w, closeTimeoutMs)),
      ...[...this.#retiring.keys()].map((w) => this.#stop(w, closeTimeoutMs)),
    ]);
  }
}
