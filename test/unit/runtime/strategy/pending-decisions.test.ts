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
});
