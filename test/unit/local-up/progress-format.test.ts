import { describe, expect, it } from 'vitest';
import {
  progressLines,
  type StrategyProgress,
  ticksFedTo,
} from '../../../cli/local-up/progress/format.ts';

const row = (name: string, over: Partial<StrategyProgress> = {}): StrategyProgress => ({
  name,
  ticksFed: 0,
  decisions: 0,
  signals: 0,
  trades: 0,
  net: 0,
  ...over,
});

describe('progressLines', () => {
  it('shows the feed position, then one aligned line per strategy', () => {
    const lines = progressLines({
      elapsedMs: 12_345,
      durationMs: 60_000,
      ticksFed: 12_345,
      strategies: [
        row('momentum-btc', {
          ticksFed: 2_057,
          decisions: 300,
          signals: 12,
          trades: 3,
          net: 12.345,
        }),
        row('meanrev-crypto', { ticksFed: 5, net: -1_234.5 }),
      ],
    });
    expect(lines).toEqual([
      'feeding ticks: 12.3 s of 60.0 s, 12,345 ticks',
      '  strategy        ticks fed  scored  signals  trades    net P&L',
      '  momentum-btc        2,057     300       12       3      12.35',
      '  meanrev-crypto          5       0        0       0  -1,234.50',
    ]);
  });

  it('never shows more elapsed time than the duration', () => {
    const [head] = progressLines({
      elapsedMs: 61_000,
      durationMs: 60_000,
      ticksFed: 1,
      strategies: [],
    });
    expect(head).toBe('feeding ticks: 60.0 s of 60.0 s, 1 ticks');
  });

  it('says when the feed is done and the runners are finishing', () => {
    const [head] = progressLines({
      elapsedMs: 20_000,
      durationMs: 20_000,
      ticksFed: 19_994,
      draining: true,
      strategies: [],
    });
    expect(head).toBe('fed 19,994 ticks in 20.0 s; the runners are finishing');
  });
});

describe('ticksFedTo', () => {
  it('sums the ticks of the instruments a strategy trades', () => {
    const fed = new Map([
      ['SPY', 10],
      ['QQQ', 7],
      ['AAPL', 100],
    ]);
    expect(ticksFedTo(['SPY', 'QQQ'], fed)).toBe(17);
    expect(ticksFedTo(['BTC-USD'], fed)).toBe(0);
  });
});
