import { describe, expect, it } from 'vitest';
import {
  type FeedSummary,
  formatSummary,
  summaryJson,
  syntheticFeedTicks,
} from '../../../../runtime/src/feed/feed.ts';
import { marketTicks } from '../../../../runtime/src/feed/market.ts';
import { marketParams } from '../../../../runtime/src/feed/market-params.ts';

describe('syntheticFeedTicks', () => {
  it('publishes the market ticks without the hidden truth, with cid <instrument>-<seq>', () => {
    const source = {
      kind: 'synthetic' as const,
      instruments: ['A', 'B'],
      seed: 9,
      edge: 0.4,
      startTs: 1000,
      ticksPerInstrument: 50,
    };
    const published = [...syntheticFeedTicks(source)];
    const truth = [
      ...marketTicks(['A', 'B'], {
        seed: 9,
        startTs: 1000,
        ticksPerInstrument: 50,
        params: marketParams({ edge: 0.4 }),
      }),
    ];
    expect(published).toEqual(
      truth.map((t) => ({
        instrument: t.instrument,
        ts: t.ts,
        price: t.price,
        volume: t.volume,
        cid: `${t.instrument}-${t.seq}`,
      })),
    );
  });
});

describe('summaries', () => {
  const summary: FeedSummary = {
    source: 'synthetic',
    published: { 'BTC-USD': 600, 'ETH-USD': 400 },
    total: 1000,
    elapsedMs: 2000.4,
    ratePerSecond: 499.9,
    stoppedBy: 'duration',
  };

  it('prints one line for people', () => {
    expect(formatSummary(summary)).toBe(
      'published 1000 ticks in 2.000 s at 500 ticks/s (stopped by duration): BTC-USD=600 ETH-USD=400',
    );
    expect(formatSummary({ ...summary, published: {}, total: 0, stoppedBy: 'end' })).toBe(
      'published 0 ticks in 2.000 s at 500 ticks/s: none',
    );
  });

  it('prints one JSON line for programs', () => {
    expect(JSON.parse(summaryJson(summary))).toEqual({
      source: 'synthetic',
      published: { 'BTC-USD': 600, 'ETH-USD': 400 },
      total: 1000,
      elapsedMs: 2000,
      ratePerSecond: 500,
      stoppedBy: 'duration',
    });
  });
});
