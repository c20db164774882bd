import { describe, expect, it } from 'vitest';
import { emptySummary, fleetSummary, summaryLines } from '../../../cli/local-up/fleet-summary.ts';
import type { StrategySummary } from '../../../runtime/src/ledger/queries.ts';

const summary = (strategy: string, over: Partial<StrategySummary>): StrategySummary => ({
  ...emptySummary(strategy),
  ...over,
});

describe('fleetSummary', () => {
  it('gives every fleet strategy a row, zeros when the ledger has none, and keeps extra ones', () => {
    const s = fleetSummary(
      ['b', 'a'],
      [summary('a', { decisions: 5 }), summary('z-manual', { decisions: 1 })],
    );
    expect(s.rows.map((r) => [r.strategy, r.decisions])).toEqual([
      ['a', 5],
      ['b', 0],
      ['z-manual', 1],
    ]);
  });

  it('totals counts and net; the average net is per closed trade over the fleet', () => {
    const s = fleetSummary(
      ['a', 'b'],
      [
        summary('a', {
          decisions: 10,
          signals: 4,
          trades: 2,
          wins: 1,
          losses: 1,
          net: 5,
          average_net: 3,
        }),
        summary('b', { decisions: 6, signals: 2, trades: 1, wins: 1, net: 9, average_net: 9 }),
      ],
    );
    expect(s.totals).toEqual({
      strategies: 2,
      decisions: 16,
      signals: 6,
      trades: 3,
      wins: 2,
      losses: 1,
      net: 14,
      average_net: 5, // (3 x 2 + 9 x 1) / 3
    });
  });

  it('has an average net of 0 without trades', () => {
    expect(fleetSummary(['a'], []).totals.average_net).toBe(0);
  });
});

describe('summaryLines', () => {
  it('prints a table with the fleet line under a rule and no fleet high-water or drawdown', () => {
    const lines = summaryLines(
      fleetSummary(
        ['a'],
        [
          summary('a', {
            decisions: 1_200,
            trades: 2,
            net: -3.5,
            high_water: 10,
            max_drawdown: 4.25,
            average_net: -1.75,
          }),
        ],
      ),
    );
    expect(lines).toEqual([
      'strategy   decisions  signals  trades  net P&L  high-water  max drawdown  average net',
      '-------------------------------------------------------------------------------------',
      'a              1,200        0       2    -3.50       10.00          4.25        -1.75',
      '-------------------------------------------------------------------------------------',
      'fleet (1)      1,200        0       2    -3.50                                  -1.75',
    ]);
  });
});
