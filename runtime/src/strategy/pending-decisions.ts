// Decisions collected during a batch, waiting for their model scores. Columns in reused arrays,
// so a batch allocates nothing per decision beyond what the arrays already hold; what is the
// same for every decision on a tick (stream, entry id, time, correlation id) is kept once per
// tick.
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
  streams: string[] = [];
  entryIds: string[] = [];
  tickTs: number[] = [];
  cids: string[] = [];

  reset(): void {
    this.length = 0;
    this.tickCount = 0;
  }

  /** Starts a tick; the decisions pushed next belong to it. */
  pushTick(stream: string, entryId: string, tickTs: number, cid: string): void {
    const t = this.tickCount++;
    this.streams[t] = stream;
    this.entryIds[t] = entryId;
    this.tickTs[t] = tickTs;
    this.cids[t] = cid;
  }

  push(member: Member, rule: number, batch: ModelBatch | undefined, row: number): void {
    const i = this.length++;
    if (i === this.rules.length) this.#grow();
    this.members[i] = member;
    this.rules[i] = rule;
    this.batches[i] = batch;
    this.rows[i] = row;
    this.ticks[i] = this.tickCount - 1;
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
