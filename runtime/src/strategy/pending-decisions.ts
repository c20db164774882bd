// Decisions collected during a batch, waiting for their model scores. Columns in reused arrays,
// so a batch allocates nothing per decision beyond what the arrays already hold; the tick a
// decision is on is kept once per tick, as its place in the batch read.
import type { TickBatch } from '../ingest/tick-batch.ts';
import type { Member } from './compiled-strategy.ts';
import type { ModelBatch } from './model-batches.ts';

export class PendingDecisions {
  length = 0;
  members: Member[] = [];
  rules = new Float64Array(1024);
  /** The model batch holding the decision's row, undefined without one. */
  batches: (ModelBatch | undefined)[] = [];
  /** Row in that batch, -1 without one. */
  rows = new Int32Array(1024);
  /** Index of the decision's tick in the tick columns below. */
  ticks = new Int32Array(1024);
  tickCount = 0;
  /** Each tick's batch and index in it. */
  tickBatches: (TickBatch | undefined)[] = [];
  tickIndexes: number[] = [];
  /**
   * With decision records on: each decision's feature values as scored, `featureStarts[i]` to
   * `featureStarts[i + 1]` (the store moves on before decisions are made, so they are copied).
   */
  featureValues = new Float64Array(0);
  featureStarts = new Int32Array(1025);
  #featureEnd = 0;

  reset(): void {
    // Lets go of the batch's ticks: a slot left set kept its batch (columns and read buffer)
    // alive until a batch as large came again, which after a catch-up batch of thousands of
    // ticks could be never.
    this.tickBatches.fill(undefined, 0, this.tickCount);
    this.length = 0;
    this.tickCount = 0;
    this.#featureEnd = 0;
  }

  /** Copies decision i's feature values (call right after push(), with records on). */
  recordFeatures(i: number, values: Float64Array, slots: Int32Array): void {
    const start = this.#featureEnd;
    const end = start + slots.length;
    if (end > this.featureValues.length) {
      const grown = new Float64Array(Math.max(end, this.featureValues.length * 2, 4096));
      grown.set(this.featureValues.subarray(0, start));
      this.featureValues = grown;
    }
    for (let j = 0; j < slots.length; j++)
      this.featureValues[start + j] = values[slots[j] as number] as number;
    this.featureStarts[i] = start;
    this.featureStarts[i + 1] = end;
    this.#featureEnd = end;
  }

  /** Decision i's recorded feature values (a copy). */
  featuresOf(i: number): Float64Array {
    return this.featureValues.slice(this.featureStarts[i], this.featureStarts[i + 1]);
  }

  /** Starts a tick (entry `index` of `batch`); the decisions pushed next belong to it. */
  pushTick(batch: TickBatch, index: number): void {
    const t = this.tickCount++;
    this.tickBatches[t] = batch;
    this.tickIndexes[t] = index;
  }

  /**
   * Adds a decision on the current tick; returns its index, where the caller stores its rule
   * score (`rules[i]`, read after this call: it may grow). The score is not a parameter: a double
   * passed to a call that is not inlined is boxed, one allocation per decision.
   */
  push(member: Member, batch: ModelBatch | undefined, row: number): number {
    const i = this.length++;
    if (i === this.rules.length) this.#grow();
    this.members[i] = member;
    this.batches[i] = batch;
    this.rows[i] = row;
    this.ticks[i] = this.tickCount - 1;
    return i;
  }

  #grow(): void {
    const size = this.rules.length * 2;
    const rules = new Float64Array(size);
    rules.set(this.rules);
    this.rules = rules;
    const rows = new Int32Array(size);
    rows.set(this.rows);
    this.rows = rows;
    const ticks = new Int32Array(size);
    ticks.set(this.ticks);
    this.ticks = ticks;
    const starts = new Int32Array(size + 1);
    starts.set(this.featureStarts);
    this.featureStarts = starts;
  }
}
