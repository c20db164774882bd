import { describe, expect, it } from 'vitest';
import {
  breakevenMid,
  cashOf,
  costFraction,
  feeOf,
  fillPrice,
  riskUnit,
  slippageOf,
} from '../../../../runtime/src/execution/fill-price.ts';

describe('fill model (hand-computed)', () => {
  it('charges half the spread plus slippage against the order', () => {
    const cost = costFraction(2, 1); // 1 bp + 1 bp
    expect(cost).toBeCloseTo(0.0002, 15);
    expect(fillPrice(100, 1, cost)).toBeCloseTo(100.02, 12);
    expect(fillPrice(100, -1, cost)).toBeCloseTo(99.98, 12);
    expect(fillPrice(100, 1, costFraction(0, 0))).toBe(100);
  });

  it('computes fee, slippage and cash of a fill', () => {
    expect(feeOf(10, 100.02, 1)).toBeCloseTo(0.10002, 14);
    expect(feeOf(10, 100.02, 0)).toBe(0);
    expect(slippageOf(10, 100.02, 100)).toBeCloseTo(0.2, 12);
    expect(slippageOf(10, 99.98, 100)).toBeCloseTo(0.2, 12);
    expect(cashOf(1, 10, 100.02)).toBeCloseTo(-1000.2, 10);
    expect(cashOf(-1, 10, 99.98)).toBeCloseTo(999.8, 10);
  });

  it.each([
    ['fixed bps', { model: 'fixedBps', bps: 25 } as const, 100.02, Number.NaN, 0.25005],
    [
      'volatility',
      { model: 'volatility', window: 20, multiple: 2, minBps: 10 } as const,
      100,
      0.001,
      0.2,
    ],
    [
      'volatility floor',
      { model: 'volatility', window: 20, multiple: 2, minBps: 30 } as const,
      100,
      0.001,
      0.3,
    ],
    [
      'volatility unknown',
      { model: 'volatility', window: 20, multiple: 2, minBps: 10 } as const,
      100,
      Number.NaN,
      0.1,
    ],
  ])('sets 1R by %s', (_name, risk, entry, sigma, expected) => {
    expect(riskUnit(risk, entry, sigma)).toBeCloseTo(expected, 12);
  });

  it.each([
    [1, 100.02, 10, 0.10002, 1, 0.0002, 100.0600180042009],
    [-1, 99.98, 10, 0.09998, 1, 0.0002, 99.94001799580091],
  ] as const)(
    'puts the breakeven stop where a close nets zero (side %i)',
    (side, entry, qty, entryFee, feeBps, cost, expected) => {
      const mid = breakevenMid(side, entry, qty, entryFee, feeBps, cost);
      const exit = fillPrice(mid, side === 1 ? -1 : 1, cost);
      const net = side * qty * (exit - entry) - entryFee - feeOf(qty, exit, feeBps);
      expect(net).toBeCloseTo(0, 10);
      expect(mid).toBeCloseTo(expected, 9);
    },
  );
});
