// The predictor interface: what scores a batch of feature rows with one model. The inference
// layer (ONNX sessions in worker threads) implements it; until then, and for linear models where
// it is faster, a plain TypeScript logistic model does.
import type { ResolvedModel } from '../../../operator/src/api/shard/shard-config.ts';

export interface Predictor {
  /** sha256 of the model artifact: the digest recorded with every decision it scores. */
  readonly digest: string;
  /** Input width: the number of feature columns. */
  readonly width: number;
  /**
   * Scores `n` rows laid out row-major in `rows` (n x width float32). Returns n scores in
   * [0, 1] (the probability of the positive class), synchronously or not.
   */
  score(rows: Float32Array, n: number): Float64Array | Promise<Float64Array>;
}

/** Finds the predictor for a resolved model; undefined while it is not loaded (rule fallback). */
export interface PredictorProvider {
  get(model: ResolvedModel): Predictor | undefined;
}

export const NO_PREDICTORS: PredictorProvider = { get: () => undefined };

/** Logistic regression in plain TypeScript: cheaper than an ONNX call for small batches. */
export class LinearPredictor implements Predictor {
  readonly digest: string;
  readonly width: number;
  readonly #weights: Float64Array;
  readonly #bias: number;
  #out = new Float64Array(64);

  constructor(digest: string, weights: ArrayLike<number>, bias: number) {
    this.digest = digest;
    this.width = weights.length;
    this.#weights = Float64Array.from(weights);
    this.#bias = bias;
  }

  score(rows: Float32Array, n: number): Float64Array {
    if (this.#out.length < n) this.#out = new Float64Array(Math.max(n, this.#out.length * 2));
    const w = this.#weights;
    const width = this.width;
    for (let r = 0; r < n; r++) {
      let z = 0 + this.#bias; // a raw double, not boxed through the loop (see ruleScore)
      const base = r * width;
      for (let c = 0; c < width; c++) z += (w[c] as number) * (rows[base + c] as number);
      this.#out[r] = 1 / (1 + Math.exp(-z)); // logistic(z), written out: a call boxes its result
    }
    return this.#out.subarray(0, n);
  }
}

/** Predictors given up front, by model digest (tests, benchmarks, offline replay). */
export class StaticPredictors implements PredictorProvider {
  readonly #byDigest: Map<string, Predictor>;
  constructor(predictors: Iterable<Predictor>) {
    this.#byDigest = new Map([...predictors].map((p) => [p.digest, p]));
  }
  get(model: ResolvedModel): Predictor | undefined {
    return this.#byDigest.get(model.sha256);
  }
}
