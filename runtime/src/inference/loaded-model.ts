// One loaded model artifact (one digest): its sessions in the worker pool behind a micro-batcher,
// its pure-TypeScript linear path when it has one, its breaker, and a count of the calls in
// flight. Retiring it (a newer digest took over) releases the sessions once that count is zero,
// so a run is never cut off, and every score it returns was computed by this digest.
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';
import type { Predictor } from '../strategy/predictor.ts';
import { MicroBatcher } from './batcher.ts';
import { Breaker } from './breaker.ts';
import { InferenceRejectedError, modelLabel, OnnxError, type RejectReason } from './errors.ts';
import type { LinearScorer } from './linear.ts';
import type { InferenceOptions } from './options.ts';
import { type OnnxPool, WorkerRequestError } from './worker-pool.ts';

let loads = 0;

export const metricsLabel = (digest: string) => digest.slice(0, 12);

export class LoadedModel {
  readonly spec: ResolvedModel;
  readonly name: string;
  readonly digest: string;
  /** Key of its sessions in the pool (unique per load: a digest may be loaded again later). */
  readonly key: string;
  readonly width: number;
  /** Order of loading, across all models (the latest loaded digest of a name serves it). */
  readonly loadSeq: number;
  /** Stable per load: the executor batches rows by predictor object and digest. */
  readonly predictor: Predictor;
  readonly breaker: Breaker;
  readonly #label: string;
  readonly #metricsLabel: string;
  readonly #pool: OnnxPool;
  readonly #batcher: MicroBatcher;
  readonly #linear: LinearScorer | undefined;
  readonly #opts: Readonly<InferenceOptions>;
  #refs = 0;
  #retired = false;
  #disposed = false;
  #onDisposed: (() => void) | undefined;

  constructor(
    spec: ResolvedModel,
    key: string,
    pool: OnnxPool,
    linear: LinearScorer | undefined,
    opts: Readonly<InferenceOptions>,
  ) {
    this.spec = spec;
    this.name = spec.name;
    this.digest = spec.sha256;
    this.key = key;
    this.width = spec.inputs.length;
    this.loadSeq = ++loads;
    this.#label = modelLabel(spec.name, spec.sha256);
    this.#metricsLabel = metricsLabel(spec.sha256);
    this.#pool = pool;
    this.#linear = linear;
    this.#opts = opts;
    this.breaker = new Breaker({
      failures: opts.breakerFailures,
      cooldownMs: opts.breakerCooldownMs,
      maxCooldownMs: opts.breakerMaxCooldownMs,
    });
    this.#batcher = new MicroBatcher(
      {
        width: this.width,
        maxBatchRows: opts.maxBatchRows,
        windowMicros: opts.batchWindowMicros,
        maxQueuedRows: opts.maxQueuedRows,
        maxConcurrent: opts.maxConcurrentRuns,
      },
      (rows, n) => this.#run(rows, n),
    );
    const digest = this.digest;
    const width = this.width;
    this.predictor = Object.freeze({
      digest,
      width,
      score: (rows: Float32Array, n: number) => this.score(rows, n),
    });
  }

  get hasLinearPath(): boolean {
    return this.#linear !== undefined;
  }

  /** Calls accepted and not yet answered. */
  get inFlight(): number {
    return this.#refs;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  #reject(reason: RejectReason, rows: number, why: string): InferenceRejectedError {
    this.#opts.metrics?.rejected(this.#metricsLabel, reason, rows);
    return new InferenceRejectedError(reason, `model ${this.#label}: ${rows} rows refused: ${why}`);
  }

  /**
   * Scores n rows (n x width float32, row-major) with this digest: synchronously on the linear
   * path, else through the batcher. Throws or rejects when the model cannot score them.
   */
  score(rows: Float32Array, n: number): Float64Array | Promise<Float64Array> {
    if (this.#disposed) throw this.#reject('unloaded', n, 'the model was unloaded');
    if (n <= 0) return new Float64Array(0);
    if (rows.length < n * this.width)
      throw new RangeError(
        `${n} rows of ${this.width} need ${n * this.width} values, got ${rows.length}`,
      );
    const linear = this.#linear;
    if (linear && (n <= this.#opts.linearMaxRows || !this.breaker.admits())) {
      const t0 = performance.now();
      const scores = linear.score(rows, n);
      this.#opts.metrics?.batch(this.#metricsLabel, n, (performance.now() - t0) / 1000, 'linear');
      return scores;
    }
    if (!this.breaker.admits()) throw this.#reject('breaker-open', n, 'its breaker is open');
    this.#refs++;
    return this.#batcher.submit(rows, n).then(
      (scores) => {
        this.#release();
        return scores;
      },
      (err: unknown) => {
        this.#release();
        if (err instanceof InferenceRejectedError && err.reason === 'backpressure')
          this.#opts.metrics?.rejected(this.#metricsLabel, 'backpressure', n);
        throw err;
      },
    );
  }

  async #run(rows: Float32Array, n: number): Promise<Float64Array> {
    if (!this.breaker.tryStart()) throw this.#reject('breaker-open', n, 'its breaker is open');
    const t0 = performance.now();
    try {
      const scores = await this.#pool.run(this.key, rows, n);
      this.breaker.record(true);
      this.#opts.metrics?.batch(this.#metricsLabel, n, (performance.now() - t0) / 1000, 'onnx');
      return scores;
    } catch (err) {
      if (err instanceof InferenceRejectedError) throw err;
      this.breaker.record(false);
      const why =
        err instanceof WorkerRequestError || err instanceof OnnxError ? err.message : String(err);
      throw new OnnxError(`model ${this.#label}: a run of ${n} rows failed: ${why}`, {
        cause: err,
        timeout: err instanceof OnnxError && err.timeout,
      });
    }
  }

  #release(): void {
    if (--this.#refs === 0 && this.#retired) this.#dispose();
  }

  /** No longer current: release the sessions as soon as no call is in flight. */
  retire(onDisposed?: () => void): void {
    if (this.#retired) return;
    this.#retired = true;
    this.#onDisposed = onDisposed;
    if (this.#refs === 0) this.#dispose();
  }

  #dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#batcher.close(
      new InferenceRejectedError('unloaded', `model ${this.#label} was unloaded`),
    );
    this.#pool.release(this.key);
    this.#onDisposed?.();
  }
}
