// Rows from every strategy that uses the same model go into one batch, scored in one call. The
// strategies of one model on one instrument read the same features on the same tick: they share
// one row (and its score) instead of each adding a copy.
import type { Predictor } from './predictor.ts';

/** One model call: what the inference metrics record. */
export interface InferenceRun {
  digest: string;
  rows: number;
  seconds: number;
}

/** The rows of one model in the batch being processed, and their scores once scored. */
export class ModelBatch {
  readonly predictor: Predictor;
  rows: Float32Array;
  n = 0;
  scores: Float64Array = new Float64Array(0);
  /** The tick and slots of the last row added, for sharing it. */
  #lastTick = -1;
  #lastSlots: Int32Array | undefined;

  constructor(predictor: Predictor) {
    this.predictor = predictor;
    this.rows = new Float32Array(predictor.width * 64);
  }

  /**
   * Copies one feature row (values at `slots`) into the batch; returns its row index. On the
   * same `tick` with the same slots array the row is the same: its index is returned again.
   */
  addRow(values: Float64Array, slots: Int32Array, tick: number): number {
    if (tick === this.#lastTick && slots === this.#lastSlots) return this.n - 1;
    this.#lastTick = tick;
    this.#lastSlots = slots;
    const width = this.predictor.width;
    if ((this.n + 1) * width > this.rows.length) {
      const grown = new Float32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    const rows = this.rows;
    const base = this.n * width;
    for (let c = 0; c < width; c++) rows[base + c] = values[slots[c] as number] as number;
    return this.n++;
  }

  /** Empties the batch for the next one. */
  reset(): void {
    this.n = 0;
    this.#lastTick = -1;
    this.#lastSlots = undefined;
  }

  /** Score of a row once scored; NaN when it was not. */
  scoreOf(row: number): number {
    const s = this.scores[row];
    return s === undefined ? Number.NaN : s;
  }
}

export class ModelBatches {
  readonly #byDigest = new Map<string, ModelBatch>();

  reset(): void {
    for (const b of this.#byDigest.values()) b.reset();
  }

  /** The batch of a predictor's rows (one per model digest). */
  batchFor(predictor: Predictor): ModelBatch {
    let batch = this.#byDigest.get(predictor.digest);
    if (!batch || batch.predictor !== predictor) {
      batch = new ModelBatch(predictor);
      this.#byDigest.set(predictor.digest, batch);
    }
    return batch;
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
}
