// Rows from every strategy that uses the same model go into one batch, scored in one call.
import type { Predictor } from './predictor.ts';

/** One model call: what the inference metrics record. */
export interface InferenceRun {
  digest: string;
  rows: number;
  seconds: number;
}

class Batch {
  readonly predictor: Predictor;
  rows: Float32Array;
  n = 0;
  scores: Float64Array = new Float64Array(0);
  constructor(predictor: Predictor) {
    this.predictor = predictor;
    this.rows = new Float32Array(predictor.width * 64);
  }
}

export class ModelBatches {
  readonly #byDigest = new Map<string, Batch>();

  reset(): void {
    for (const b of this.#byDigest.values()) b.n = 0;
  }

  /** Copies one feature row (values at `slots`) into the model's batch; returns its row index. */
  addRow(predictor: Predictor, values: Float64Array, slots: Int32Array): number {
    let batch = this.#byDigest.get(predictor.digest);
    if (!batch || batch.predictor !== predictor) {
      batch = new Batch(predictor);
      this.#byDigest.set(predictor.digest, batch);
    }
    const width = predictor.width;
    if ((batch.n + 1) * width > batch.rows.length) {
      const grown = new Float32Array(batch.rows.length * 2);
      grown.set(batch.rows);
      batch.rows = grown;
    }
    const base = batch.n * width;
    for (let c = 0; c < width; c++) batch.rows[base + c] = values[slots[c] as number] as number;
    return batch.n++;
  }

  /**
   * Scores every non-empty batch. A model that fails leaves its rows unscored (NaN): those
   * decisions fall back to the rule score, counted in `fallbacks` by digest.
   */
  async score(fallbacks: Map<string, number>, runs: InferenceRun[]): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const [digest, batch] of this.#byDigest) {
      if (batch.n === 0) continue;
      const start = performance.now();
      const done = () =>
        runs.push({ digest, rows: batch.n, seconds: (performance.now() - start) / 1_000 });
      const fail = () => {
        batch.scores = new Float64Array(batch.n).fill(Number.NaN);
        fallbacks.set(digest, (fallbacks.get(digest) ?? 0) + batch.n);
      };
      try {
        const out = batch.predictor.score(
          batch.rows.subarray(0, batch.n * batch.predictor.width),
          batch.n,
        );
        if (out instanceof Promise)
          pending.push(
            out.then((scores) => {
              batch.scores = scores;
              done();
            }, fail),
          );
        else {
          batch.scores = out;
          done();
        }
      } catch {
        fail();
      }
    }
    if (pending.length > 0) await Promise.all(pending);
  }

  scoreOf(digest: string, row: number): number {
    const s = this.#byDigest.get(digest)?.scores[row];
    return s === undefined ? Number.NaN : s;
  }
}
