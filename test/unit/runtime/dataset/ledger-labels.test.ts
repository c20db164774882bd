import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type FillPair,
  fillPairProblem,
  ledgerLabel,
  longNetLogReturn,
} from '../../../../runtime/src/dataset/ledger-labels.ts';
import { tradedLedger } from './traded-ledger.ts';

/** The fills of a position as the paper broker makes them (docs/reference/pnl.md "Fills"). */
function position(
  side: 1 | -1,
  entryMid: number,
  exitMid: number,
  c = 0.0002,
  f = 0.0001,
  q = 2,
): FillPair {
  const entryPrice = entryMid * (1 + side * c);
  const exitPrice = exitMid * (1 - side * c);
  return {
    entryMid,
    entryPrice,
    entryFee: q * entryPrice * f,
    entryQty: q,
    exitMid,
    exitPrice,
    exitFee: q * exitPrice * f,
    exitQty: q,
  };
}

/** The trade's net as the broker books it: fill cash minus fees. */
function net(side: 1 | -1, p: FillPair): number {
  return side * p.entryQty * (p.exitPrice - p.entryPrice) - p.entryFee - p.exitFee;
}

describe('longNetLogReturn', () => {
  it.each<[string, FillPair, number]>([
    // buy 100.02 + fee 0.01%, sell 100.9798 - fee 0.01%
    ['long, up 1%', position(1, 100, 101), Math.log((100.9798 * 0.9999) / (100.02 * 1.0001))],
    // the same mids as a short: the long it mirrors is the row above
    ['short, up 1%', position(-1, 100, 101), Math.log((100.9798 * 0.9999) / (100.02 * 1.0001))],
    ['long, down 1%', position(1, 100, 99), Math.log((98.9802 * 0.9999) / (100.02 * 1.0001))],
    ['short, down 1%', position(-1, 100, 99), Math.log((98.9802 * 0.9999) / (100.02 * 1.0001))],
    ['no costs', position(1, 50, 55, 0, 0), Math.log(1.1)],
  ])('%s', (_name, fills, expected) => {
    expect(longNetLogReturn(fills)).toBeCloseTo(expected, 12);
  });

  it('labels a move smaller than the costs 0, as the synthetic label with cost does', () => {
    const fills = position(1, 100, 100.05); // +5 bps against 6 bps of round-trip costs
    expect(longNetLogReturn(fills)).toBeLessThan(0);
    expect(ledgerLabel(longNetLogReturn(fills))).toBe(0);
    // ...and its short mirror lost money too, yet the label stays 0: a long would not have paid
    expect(net(-1, position(-1, 100, 100.05))).toBeLessThan(0);
    expect(ledgerLabel(longNetLogReturn(position(-1, 100, 100.05)))).toBe(0);
  });

  it('has the sign of a long’s booked net, and is the same for a short over the same mids', () => {
    const price = fc.double({ min: 0.01, max: 1e5, noNaN: true });
    fc.assert(
      fc.property(
        price,
        fc.double({ min: -0.2, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        fc.double({ min: 0, max: 0.01, noNaN: true }),
        fc.double({ min: 1e-4, max: 1e4, noNaN: true }),
        (entryMid, move, c, f, q) => {
          const exitMid = entryMid * Math.exp(move);
          const long = position(1, entryMid, exitMid, c, f, q);
          const short = position(-1, entryMid, exitMid, c, f, q);
          const booked = net(1, long);
          const r = longNetLogReturn(long);
          // away from a zero net, where rounding decides
          if (Math.abs(booked) > 1e-9 * q * entryMid) expect(Math.sign(r)).toBe(Math.sign(booked));
          expect(longNetLogReturn(short)).toBeCloseTo(r, 9);
        },
      ),
    );
  });
});

describe('labels of the real paper broker’s positions', () => {
  const ledger = tradedLedger({
    seed: 3,
    instruments: ['BTC-USD', 'ETH-USD'],
    ticksPerInstrument: 4000,
    strategies: [{ name: 'momo', features: [{ name: 'return', window: 10 }], threshold: 0.002 }],
  });
  const fillsOf = (positionId: string): FillPair => {
    const open = ledger.fills.find((f) => f.position_id === positionId && f.kind === 'open');
    const close = ledger.fills.find((f) => f.position_id === positionId && f.kind === 'close');
    if (!open || !close) throw new Error(`position ${positionId} lacks a fill`);
    return {
      entryMid: open.reference_price,
      entryPrice: open.price,
      entryFee: open.fee,
      entryQty: open.qty,
      exitMid: close.reference_price,
      exitPrice: close.price,
      exitFee: close.fee,
      exitQty: close.qty,
    };
  };
  const action = new Map(ledger.decisions.map((d) => [d.id, d.action]));

  it('has longs and shorts, winners and losers', () => {
    const sides = ledger.outcomes.map((o) => action.get(o.decision_id));
    expect(sides.filter((s) => s === 'long').length).toBeGreaterThan(50);
    expect(sides.filter((s) => s === 'short').length).toBeGreaterThan(50);
    expect(ledger.outcomes.filter((o) => o.r_multiple > 0).length).toBeGreaterThan(20);
  });

  it('a long decision’s label is r_multiple > 0; a short that made money is labelled 0', () => {
    for (const o of ledger.outcomes) {
      const fills = fillsOf(o.position_id);
      expect(fillPairProblem(fills)).toBeUndefined();
      const label = ledgerLabel(longNetLogReturn(fills));
      if (action.get(o.decision_id) === 'long') expect(label).toBe(o.r_multiple > 0 ? 1 : 0);
      else if (o.r_multiple > 0) expect(label).toBe(0);
    }
  });
});

describe('fillPairProblem', () => {
  it.each<[string, Partial<FillPair>, string | undefined]>([
    ['a good pair', {}, undefined],
    ['zero mid', { exitMid: 0 }, 'not a positive number'],
    ['zero quantity', { entryQty: 0 }, 'not a positive number'],
    ['NaN price', { entryPrice: Number.NaN }, 'not a positive number'],
    ['negative fee', { exitFee: -1 }, 'a fee that is not a number >= 0'],
  ])('%s', (_name, over, problem) => {
    const p = fillPairProblem({ ...position(1, 100, 101), ...over });
    if (problem === undefined) expect(p).toBeUndefined();
    else expect(p).toContain(problem);
  });
});
