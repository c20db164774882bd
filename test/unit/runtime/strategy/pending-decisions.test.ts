import { describe, expect, it } from 'vitest';
import { emptyTickBatch } from '../../../../runtime/src/ingest/tick-batch.ts';
import { PendingDecisions } from '../../../../runtime/src/strategy/pending-decisions.ts';

describe('PendingDecisions', () => {
  it('holds no tick batch after a reset, also past the end of a smaller next batch', () => {
    const pending = new PendingDecisions();
    const big = emptyTickBatch('BTC-USD', 'ticks:BTC-USD', 1_000, 16_000);
    for (let i = 0; i < 1_000; i++) pending.pushTick(big, i);
    pending.reset();
    const small = emptyTickBatch('ETH-USD', 'ticks:ETH-USD', 2, 32);
    pending.pushTick(small, 0);
    pending.pushTick(small, 1);
    expect(pending.tickBatches.filter((b) => b === big)).toHaveLength(0);
    pending.reset();
    expect(pending.tickBatches.every((b) => b === undefined)).toBe(true);
    expect(pending.tickCount).toBe(0);
  });

  it("gives each decision its own tick's features, in its slots' order, past any buffer growth", () => {
    const pending = new PendingDecisions();
    const batch = emptyTickBatch('BTC-USD', 'ticks:BTC-USD', 300, 12_600);
    const slots = Int32Array.of(4, 0, 2);
    const vector = (t: number) => Float64Array.from({ length: 20 }, (_, k) => t * 100 + k);
    for (let t = 0; t < 300; t++) {
      pending.pushTick(batch, t);
      pending.recordTickFeatures(vector(t)); // 300 x 20 values: past the first 4,096
      pending.push({} as never, undefined, -1);
      pending.push({} as never, undefined, -1);
    }
    expect(pending.featuresOf(0, slots)).toEqual(Float64Array.of(4, 0, 2));
    expect(pending.featuresOf(599, slots)).toEqual(Float64Array.of(29_904, 29_900, 29_902));
    expect(pending.featuresOf(400, Int32Array.of(19))).toEqual(Float64Array.of(20_019));
    // After a reset the next batch's ticks start over, and the old values are not read.
    pending.reset();
    pending.pushTick(batch, 0);
    pending.recordTickFeatures(vector(7));
    pending.push({} as never, undefined, -1);
    expect(pending.featuresOf(0, slots)).toEqual(Float64Array.of(704, 700, 702));
  });
});
