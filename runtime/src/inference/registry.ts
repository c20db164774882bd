// The model registry: the PredictorProvider the runner scores with. `sync` takes the models the
// shard config needs, loads new digests in the background and drops what is no longer needed;
// `get` hands the executor a Predictor bound to one digest. A new digest of a model name is
// swapped in atomically once loaded and warmed; until then (or if it fails) the previous digest
// of that name keeps scoring, provided it takes the same inputs. Retired digests are released
// when their in-flight calls drain.
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';
import { FlotillaError } from '../../../operator/src/errors.ts';
import type { Predictor, PredictorProvider } from '../strategy/predictor.ts';
import type { BreakerState } from './breaker.ts';
import {
  InferenceRejectedError,
  type LoadFailureReason,
  loadFailureReason,
  modelLabel,
  OnnxError,
} from './errors.ts';
import type { LoadedModel } from './loaded-model.ts';
import { metricsLabel } from './loaded-model.ts';
import { loadModel } from './loader.ts';
import { type InferenceEvent, type InferenceOptions, resolveInferenceOptions } from './options.ts';
import { OnnxPool } from './worker-pool.ts';

export type ModelState = 'loading' | 'ready' | 'failed';

/** Readiness of one model the shard config asks for. */
export interface ModelStatus {
  name: string;
  digest: string;
  state: ModelState;
  /** Why it failed (a Model condition reason), with the error code and message. */
  reason?: LoadFailureReason;
  code?: string;
  message?: string;
  /** Failed loads so far (retried with backoff). */
  attempts: number;
  /**
   * The digest that scores this model's strategies now: its own once ready, the previous digest
   * of the same name while it loads or after it failed, undefined when they use the rule score.
   */
  serving: string | undefined;
  /** Scored in TypeScript for small calls (a linear model that agreed with onnxruntime). */
  linear: boolean;
  breaker: BreakerState | undefined;
}

/** Scores and the digest that computed them. */
export interface Scored {
  digest: string;
  scores: Float64Array;
}

export interface ShadowScores {
  /** What the caller acts on. */
  champion: Scored;
  /** The second model's scores, or why it could not score (never affects the champion). */
  challenger: Scored | { digest: string; error: Error };
}

interface Entry {
  spec: ResolvedModel;
  state: ModelState;
  model: LoadedModel | undefined;
  error: FlotillaError | undefined;
  attempts: number;
  retry: NodeJS.Timeout | undefined;
  loading: Promise<void> | undefined;
}

interface SpecKeys {
  inputs: string;
  full: string;
}

const specKeyCache = new WeakMap<ResolvedModel, SpecKeys>();
function specKeys(m: ResolvedModel): SpecKeys {
  let k = specKeyCache.get(m);
  if (!k) {
    const inputs = m.inputs.join('\u0000');
    const o = m.outputs;
    k = { inputs, full: `${inputs}\u0001${o.name}\u0001${o.column}\u0001${o.kind}` };
    specKeyCache.set(m, k);
  }
  return k;
}

export class ModelRegistry implements PredictorProvider {
  readonly options: Readonly<InferenceOptions>;
  /** Digest -> the model the last sync asked for (first declaration of a digest wins). */
  #desired = new Map<string, ResolvedModel>();
  /** Digests being loaded, loaded, failed, or kept as their name's fallback. */
  readonly #entries = new Map<string, Entry>();
  /** Model name -> its most recently loaded digest (the fallback while a newer one loads). */
  readonly #serving = new Map<string, LoadedModel>();
  /** Retired, releasing once their in-flight calls finish. */
  readonly #draining = new Set<LoadedModel>();
  #pool: OnnxPool | undefined;
  #seq = 0;
  #closed = false;

  constructor(options: Partial<InferenceOptions> = {}) {
    this.options = resolveInferenceOptions(options);
  }

  #emit(event: InferenceEvent): void {
    this.options.onEvent?.(event);
  }

  /** The worker pool, started on the first load (a shard without models starts no thread). */
  get pool(): OnnxPool {
    this.#pool ??= new OnnxPool({
      size: this.options.workers,
      runTimeoutMs: this.options.runTimeoutMs,
      loadTimeoutMs: this.options.loadTimeoutMs,
    });
    return this.#pool;
  }

  /**
   * Makes the registry hold what `models` (every model of the shard config, experiment
   * challengers included) needs: starts loading new digests, drops digests no longer listed
   * (a name's previous digest stays until its replacement is ready).
   */
  sync(models: readonly ResolvedModel[]): void {
    if (this.#closed) return;
    const desired = new Map<string, ResolvedModel>();
    for (const m of models) if (!desired.has(m.sha256)) desired.set(m.sha256, m);
    this.#desired = desired;
    for (const [digest, spec] of desired) {
      const known = this.#entries.get(digest);
      if (known?.state === 'failed' && known.spec.uri !== spec.uri) {
        // Same artifact, new address: try it now rather than at the next retry.
        clearTimeout(known.retry);
        known.spec = spec;
        this.#load(known);
      }
      if (known) continue;
      const entry: Entry = {
        spec,
        state: 'loading',
        model: undefined,
        error: undefined,
        attempts: 0,
        retry: undefined,
        loading: undefined,
      };
      this.#entries.set(digest, entry);
      this.#load(entry);
    }
    this.#sweep();
  }

  #load(entry: Entry): void {
    entry.retry = undefined;
    if (this.#closed) return;
    const spec = entry.spec;
    const key = `${metricsLabel(spec.sha256)}#${++this.#seq}`;
    const t0 = performance.now();
    entry.loading = loadModel(spec, key, this.pool, this.options).then(
      ({ model, linearDiff }) => {
        entry.loading = undefined;
        if (this.#entries.get(spec.sha256) !== entry || this.#closed) {
          model.retire();
          return;
        }
        const seconds = (performance.now() - t0) / 1000;
        this.options.metrics?.load(metricsLabel(spec.sha256), seconds);
        model.breaker.onChange = (state) =>
          this.#emit({ type: 'breaker', name: spec.name, digest: spec.sha256, state });
        entry.state = 'ready';
        entry.model = model;
        entry.error = undefined;
        if (!model.hasLinearPath && !Number.isNaN(linearDiff))
          this.#emit({
            type: 'linear-disabled',
            name: spec.name,
            digest: spec.sha256,
            maxDiff: linearDiff,
          });
        this.#emit({
          type: 'loaded',
          name: spec.name,
          digest: spec.sha256,
          seconds,
          linear: model.hasLinearPath,
        });
        const from = this.#serving.get(spec.name);
        this.#serving.set(spec.name, model); // the swap: get() answers with it from now on
        if (from && from !== model)
          this.#emit({ type: 'swapped', name: spec.name, from: from.digest, to: spec.sha256 });
        this.#sweep();
      },
      (err: unknown) => {
        entry.loading = undefined;
        if (this.#entries.get(spec.sha256) !== entry || this.#closed) return;
        const error =
          err instanceof FlotillaError
            ? err
            : new OnnxError(
                `model ${modelLabel(spec.name, spec.sha256)}: loading failed: ${String(err)}`,
                { cause: err },
              );
        entry.state = 'failed';
        entry.error = error;
        entry.attempts++;
        const retryInMs = Math.min(
          this.options.retryMs * 2 ** (entry.attempts - 1),
          this.options.retryMaxMs,
        );
        entry.retry = setTimeout(() => this.#load(entry), retryInMs);
        entry.retry.unref();
        this.#emit({
          type: 'load-failed',
          name: spec.name,
          digest: spec.sha256,
          error,
          retryInMs,
        });
      },
    );
  }

  /** True when some digest of `name` the config asks for is not loaded yet. */
  #awaiting(name: string): boolean {
    for (const [digest, spec] of this.#desired)
      if (spec.name === name && this.#entries.get(digest)?.state !== 'ready') return true;
    return false;
  }

  /** Drops entries no longer needed: not desired, and not the fallback of a loading name. */
  #sweep(): void {
    for (const [digest, entry] of this.#entries) {
      if (this.#desired.has(digest)) continue;
      const model = entry.model;
      const name = entry.spec.name;
      if (model && this.#serving.get(name) === model && this.#awaiting(name)) continue;
      this.#entries.delete(digest);
      clearTimeout(entry.retry);
      if (!model) continue; // a load still running retires its result when it ends
      if (this.#serving.get(name) === model) this.#serveLatest(name);
      this.#retire(model);
    }
  }

  /** Makes the most recently loaded digest of `name` still held its fallback (or none). */
  #serveLatest(name: string): void {
    let latest: LoadedModel | undefined;
    for (const e of this.#entries.values())
      if (e.spec.name === name && e.model && (!latest || e.model.loadSeq > latest.loadSeq))
        latest = e.model;
    if (latest) this.#serving.set(name, latest);
    else this.#serving.delete(name);
  }

  #retire(model: LoadedModel): void {
    this.#draining.add(model);
    model.retire(() => {
      this.#draining.delete(model);
      this.#emit({ type: 'released', name: model.name, digest: model.digest });
    });
  }

  /**
   * The predictor for `model`: its own digest once loaded, else the previous digest of the same
   * name if that takes the same inputs, else undefined (the strategy uses its rule score). The
   * predictor's digest is the one that scores; record that one with the decision.
   */
  get(model: ResolvedModel): Predictor | undefined {
    const own = this.#entries.get(model.sha256)?.model;
    if (own !== undefined && !own.disposed) {
      if (own.spec === model || specKeys(own.spec).full === specKeys(model).full)
        return own.predictor;
    }
    const prev = this.#serving.get(model.name);
    if (prev !== undefined && !prev.disposed && prev.digest !== model.sha256) {
      if (prev.spec === model || specKeys(prev.spec).inputs === specKeys(model).inputs)
        return prev.predictor;
    }
    return undefined;
  }

  /** Only the model's own digest (no fallback to a previous one). */
  getExact(model: ResolvedModel): Predictor | undefined {
    const p = this.get(model);
    return p?.digest === model.sha256 ? p : undefined;
  }

  /** Scores rows with whatever `get(model)` serves, returning the digest that computed them. */
  async score(model: ResolvedModel, rows: Float32Array, n: number): Promise<Scored> {
    const p = this.get(model);
    if (!p)
      throw new InferenceRejectedError(
        'not-loaded',
        `model ${modelLabel(model.name, model.sha256)} is not loaded`,
      );
    return { digest: p.digest, scores: await p.score(rows, n) };
  }

  /**
   * Shadow scoring: the same rows through the champion (as `score`) and the challenger (its own
   * digest only) at once. A challenger failure is returned, never thrown; a champion failure
   * rejects as `score` does.
   */
  async shadow(
    champion: ResolvedModel,
    challenger: ResolvedModel,
    rows: Float32Array,
    n: number,
  ): Promise<ShadowScores> {
    const second = this.getExact(challenger);
    const secondRun = second
      ? (async () => second.score(rows, n))()
      : Promise.reject(
          new InferenceRejectedError(
            'not-loaded',
            `model ${modelLabel(challenger.name, challenger.sha256)} is not loaded`,
          ),
        );
    const [a, b] = await Promise.allSettled([this.score(champion, rows, n), secondRun]);
    if (a.status === 'rejected') throw a.reason;
    return {
      champion: a.value,
      challenger:
        b.status === 'fulfilled'
          ? { digest: challenger.sha256, scores: b.value }
          : { digest: challenger.sha256, error: b.reason as Error },
    };
  }

  /** One entry per digest the last sync asked for. */
  status(): ModelStatus[] {
    return [...this.#desired.values()].map((spec) => {
      const e = this.#entries.get(spec.sha256);
      const served = this.get(spec);
      const s: ModelStatus = {
        name: spec.name,
        digest: spec.sha256,
        state: e?.state ?? 'loading',
        attempts: e?.attempts ?? 0,
        serving: served?.digest,
        linear: e?.model?.hasLinearPath ?? false,
        breaker: e?.model?.breaker.state,
      };
      if (e?.state === 'failed' && e.error) {
        s.reason = loadFailureReason(e.error);
        s.code = e.error.code;
        s.message = e.error.message;
      }
      return s;
    });
  }

  /** Every model the config asks for is loaded (its own digest). */
  ready(): boolean {
    for (const digest of this.#desired.keys())
      if (this.#entries.get(digest)?.state !== 'ready') return false;
    return true;
  }

  /** Resolves when no load is running (failed ones may retry later). */
  async settled(): Promise<void> {
    for (;;) {
      const running = [...this.#entries.values()].flatMap((e) => (e.loading ? [e.loading] : []));
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  /** Digests retired but still finishing calls in flight. */
  get draining(): number {
    return this.#draining.size;
  }

  /** Stops loading and refuses new calls; runs in flight finish, then the threads stop. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const e of this.#entries.values()) {
      clearTimeout(e.retry);
      if (e.model) this.#retire(e.model);
    }
    this.#entries.clear();
    this.#serving.clear();
    this.#desired = new Map();
    await this.#pool?.close();
  }
}
