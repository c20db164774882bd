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
   * With decision records on: each tick's feature values (the instrument's whole vector, once
   * per tick, not once per decision on it), `tickFeatureStarts[t]` on: the store moves on before
   * decisions are made, so they are copied.
   */
  featureValues = new Float64Array(0);
  tickFeatureStarts: number[] = [];
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

  /** Copies the current tick's feature values (call right after pushTick(), with records on). */
  recordTickFeatures(values: Float64Array): void {
    const start = this.#featureEnd;
    const end = start + values.length;
    if (end > this.featureValues.length) {
      const grown = new Float64Array(Math.max(end, this.featureValues.length * 2, 4096));
      grown.set(this.featureValues.subarray(0, start));
      this.featureValues = grown;
    }
    this.featureValues.set(values, start);
    this.tickFeatureStarts[this.tickCount - 1] = start;
    this.#featureEnd = end;
  }

  /** Decision i's feature values as recorded with its tick, in `slots` order (a copy). */
  featuresOf(i: number, slots: Int32Array): Float64Array {
    const start = this.tickFeatureStarts[this.ticks[i] as number] as number;
    const out = new Float64Array(slots.length);
    for (let j = 0; j < slots.length; j++)
      out[j] = this.featureValues[start + (slots[j] as number)] as number;
    return out;
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
  }
}
