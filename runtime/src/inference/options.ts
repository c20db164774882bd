// Options of the inference layer, resolved once into a frozen object; errors name the option and
// its limit. The runner's config (runtime/src/config.ts) maps its flags onto these.
import { availableParallelism } from 'node:os';
import type { FieldError } from '../../../operator/src/api/validation/messages.ts';
import type { FlotillaError } from '../../../operator/src/errors.ts';
import { ValidationError } from '../../../operator/src/errors.ts';
import { defaultCacheDir } from './artifact.ts';
import type { BreakerState } from './breaker.ts';
import { DEFAULT_BREAKER } from './breaker.ts';
import type { RejectReason } from './errors.ts';

/**
 * Where the inference layer reports what it measures; the runner adapts it to RunnerMetrics.
 * `model` is the first 12 hex characters of the digest (the metrics' model label).
 */
export interface InferenceMetricsSink {
  /** One scored batch (an onnxruntime run or a pure-TypeScript linear call). */
  batch(model: string, rows: number, seconds: number, backend: 'onnx' | 'linear'): void;
  /** A model fetched, verified, loaded and warmed. */
  load(model: string, seconds: number): void;
  /** Rows refused without a run (they fall back to the rule score). */
  rejected(model: string, reason: RejectReason, rows: number): void;
}

/** What happened to a model, for logs (the registry never logs by itself). */
export type InferenceEvent =
  | { type: 'loaded'; name: string; digest: string; seconds: number; linear: boolean }
  | { type: 'load-failed'; name: string; digest: string; error: FlotillaError; retryInMs: number }
  | { type: 'swapped'; name: string; from: string; to: string }
  | { type: 'released'; name: string; digest: string }
  | { type: 'breaker'; name: string; digest: string; state: BreakerState }
  | { type: 'linear-disabled'; name: string; digest: string; maxDiff: number };

export interface InferenceOptions {
  /** Directory of verified artifacts. @default $FLOTILLA_MODEL_CACHE, else <tmpdir>/flotilla-models */
  cacheDir: string;
  /** onnxruntime worker threads. @default availableParallelism() - 1, from 1 to 4 */
  workers: number;
  /** Rows per onnxruntime run at most (larger calls are split). @default 512 */
  maxBatchRows: number;
  /**
   * How long a partial batch waits for more rows, microseconds. 0 flushes it on the next turn of
   * the event loop (setImmediate), which still merges every call made in the same turn; a longer
   * window only adds latency for the executor, which makes one call per model per read batch.
   * @default 0
   */
  batchWindowMicros: number;
  /** Rows per model waiting for a run before calls are refused (back-pressure). @default 65536 */
  maxQueuedRows: number;
  /** Runs of one model in flight at once. @default 2 x workers */
  maxConcurrentRuns: number;
  /** A run not answered within this fails (and its worker thread is replaced), ms. @default 250 */
  runTimeoutMs: number;
  /** Session create plus warm-up per worker, ms. @default 30000 */
  loadTimeoutMs: number;
  /** Artifact download, ms. @default 30000 */
  fetchTimeoutMs: number;
  /** Largest artifact accepted, bytes. @default 268435456 (256 MiB) */
  maxModelBytes: number;
  /**
   * Calls of at most this many rows to a linear model are scored in TypeScript on the calling
   * thread (0: never; onnxruntime scores every call). @default 512
   */
  linearMaxRows: number;
  /** Consecutive failed runs that open a model's breaker. @default 3 */
  breakerFailures: number;
  /** First open period of a breaker, ms (doubles on each failed probe). @default 1000 */
  breakerCooldownMs: number;
  /** Longest open period, ms. @default 30000 */
  breakerMaxCooldownMs: number;
  /** First retry of a failed load, ms (doubles on each failure). @default 1000 */
  retryMs: number;
  /** Longest wait between load retries, ms. @default 60000 */
  retryMaxMs: number;
  metrics: InferenceMetricsSink | undefined;
  onEvent: ((event: InferenceEvent) => void) | undefined;
}

export function defaultWorkers(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

const INTEGER_LIMITS: Partial<Record<keyof InferenceOptions, [number, number]>> = {
  workers: [1, 64],
  maxBatchRows: [1, 65_536],
  batchWindowMicros: [0, 1_000_000],
  maxQueuedRows: [1, 16_777_216],
  maxConcurrentRuns: [1, 1_024],
  runTimeoutMs: [1, 600_000],
  loadTimeoutMs: [1, 3_600_000],
  fetchTimeoutMs: [1, 3_600_000],
  maxModelBytes: [1, 2 ** 31],
  linearMaxRows: [0, 1_000_000],
  breakerFailures: [1, 1_000],
  breakerCooldownMs: [1, 3_600_000],
  breakerMaxCooldownMs: [1, 3_600_000],
  retryMs: [1, 3_600_000],
  retryMaxMs: [1, 86_400_000],
};

/** Defaults applied and every number checked; ValidationError (FLT_INVALID_SPEC) names each. */
export function resolveInferenceOptions(
  given: Partial<InferenceOptions> = {},
): Readonly<InferenceOptions> {
  const workers = given.workers ?? defaultWorkers();
  const o: InferenceOptions = {
    cacheDir: given.cacheDir ?? defaultCacheDir(),
    workers,
    maxBatchRows: given.maxBatchRows ?? 512,
    batchWindowMicros: given.batchWindowMicros ?? 0,
    maxQueuedRows: given.maxQueuedRows ?? 65_536,
    maxConcurrentRuns: given.maxConcurrentRuns ?? 2 * workers,
    runTimeoutMs: given.runTimeoutMs ?? 250,
    loadTimeoutMs: given.loadTimeoutMs ?? 30_000,
    fetchTimeoutMs: given.fetchTimeoutMs ?? 30_000,
    maxModelBytes: given.maxModelBytes ?? 256 * 2 ** 20,
    linearMaxRows: given.linearMaxRows ?? 512,
    breakerFailures: given.breakerFailures ?? DEFAULT_BREAKER.failures,
    breakerCooldownMs: given.breakerCooldownMs ?? DEFAULT_BREAKER.cooldownMs,
    breakerMaxCooldownMs: given.breakerMaxCooldownMs ?? DEFAULT_BREAKER.maxCooldownMs,
    retryMs: given.retryMs ?? 1_000,
    retryMaxMs: given.retryMaxMs ?? 60_000,
    metrics: given.metrics,
    onEvent: given.onEvent,
  };
  const errors: FieldError[] = [];
  for (const [key, [min, max]] of Object.entries(INTEGER_LIMITS) as [
    keyof InferenceOptions,
    [number, number],
  ][]) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v))
      errors.push({ path: key, message: `${String(v)} is not an integer` });
    else if (v < min) errors.push({ path: key, message: `${v} is below the minimum ${min}` });
    else if (v > max) errors.push({ path: key, message: `${v} is above the maximum ${max}` });
  }
  if (!o.cacheDir) errors.push({ path: 'cacheDir', message: 'must not be empty' });
  if (errors.length > 0) throw new ValidationError('inference options', errors);
  return Object.freeze(o);
}
