import { describe, expect, it } from 'vitest';
import { PaperBroker } from '../../../../runtime/src/execution/paper-broker.ts';
import { bareBroker, drive, type Step, signal, tick } from './drive.ts';

// bareBroker: no costs, 1R = 1% of the entry price (1.00 at 100), only the exits named on.
// Each case enters at the tick after t=1 (mid 100) and lists the ticks that follow; `at` is the
// ts of the tick expected to close the position (none: it stays open).
const enter = (side: 'long' | 'short' = 'long'): Step[] => [
  tick(1, 100),
  signal('d1', side, 1),
  tick(2, 100),
];

interface ExitCase {
  name: string;
  exits: Parameters<typeof bareBroker>[0];
  side?: 'long' | 'short';
  before?: Step[];
  after: Step[];
  reason: string | null;
  at?: number;
  price?: number;
  r?: number;
}

const cases: ExitCase[] = [
  {
    name: 'stop: a long closes when the mid reaches entry - 1R, at that tick',
    exits: {},
    after: [tick(3, 99.5), tick(4, 98.9), tick(5, 97)],
    reason: 'stop',
    at: 4,
    price: 98.9,
    r: -1.1,
  },
  {
    name: 'stop: a short closes at entry + 1R exactly',
    exits: {},
    side: 'short',
    after: [tick(3, 100.5), tick(4, 101)],
    reason: 'stop',
    at: 4,
    price: 101,
    r: -1,
  },
  {
    name: 'stop: a fixed-bps 1R sets the distance',
    exits: { risk: { model: 'fixedBps', bps: 50 } },
    after: [tick(3, 99.6), tick(4, 99.5)],
    reason: 'stop',
    at: 4,
    r: -1,
  },
  {
    name: 'stop: a volatility 1R is multiple x sigma of the last window returns',
    exits: { risk: { model: 'volatility', window: 2, multiple: 4, minBps: 10 } },
    // Returns at entry: ln(100/101), ln(100/100); sigma = ln(1.01) / 2; 1R = 100 x 2 ln(1.01)
    before: [tick(-1, 100), tick(0, 101)],
    after: [tick(3, 98.5), tick(4, 98.0)],
    reason: 'stop',
    at: 4,
    r: -2 / (2 * Math.log(1.01) * 100),
  },
  {
    name: 'stop: a volatility 1R falls back to minBps until the window is full',
    exits: { risk: { model: 'volatility', window: 50, multiple: 2, minBps: 30 } },
    after: [tick(3, 99.71), tick(4, 99.7)],
    reason: 'stop',
    at: 4,
    r: -1,
  },
  {
    name: 'target: a long closes once the mid reaches entry + takeProfitR x 1R',
    exits: { takeProfitR: 2 },
    after: [tick(3, 101), tick(4, 101.99), tick(5, 102.5)],
    reason: 'target',
    at: 5,
    price: 102.5,
    r: 2.5,
  },
  {
    name: 'target: a short closes at entry - takeProfitR x 1R',
    exits: { takeProfitR: 1.5 },
    side: 'short',
    after: [tick(3, 99), tick(4, 98.5)],
    reason: 'target',
    at: 4,
    r: 1.5,
  },
  {
    name: 'breakeven: after +1R the stop sits at the entry (no costs here)',
    exits: { breakevenAtR: 1 },
    after: [tick(3, 100.99), tick(4, 100.5), tick(5, 101), tick(6, 100.3), tick(7, 99.9)],
    reason: 'breakeven',
    at: 7,
    price: 99.9,
    r: -0.1,
  },
  {
    name: 'breakeven: a position that never reaches +1R keeps its initial stop',
    exits: { breakevenAtR: 1 },
    after: [tick(3, 100.99), tick(4, 99.9), tick(5, 99.2)],
    reason: null,
  },
  {
    name: 'time: closes once held maxHoldingMs',
    exits: { maxHoldingMs: 5000 },
    after: [tick(3, 100.1), tick(5001, 100.2), tick(5002, 100.3)],
    reason: 'time',
    at: 5002,
    r: 0.3,
  },
  {
    name: 'momentum: the return over the last 3 ticks is 50 bps or more against a long',
    exits: { momentumReversal: { ticks: 3, bps: 50 } },
    // held 3 at t=5: ln(100.3/100) > 0; t=6: ln(99.8/100.2) = -40 bps; t=7: ln(99.85/100.4) = -55 bps
    after: [tick(3, 100.2), tick(4, 100.4), tick(5, 100.3), tick(6, 99.8), tick(7, 99.85)],
    reason: 'momentum',
    at: 7,
  },
  {
    name: 'momentum: a short exits on a rise',
    exits: { momentumReversal: { ticks: 2, bps: 50 } },
    side: 'short',
    after: [tick(3, 99.9), tick(4, 100.2), tick(5, 100.6)],
    reason: 'momentum',
    at: 5,
  },
  {
    name: 'momentum: the fall that preceded the entry does not count (window not yet after it)',
    exits: { momentumReversal: { ticks: 3, bps: 50 } },
    before: [tick(-2, 102), tick(-1, 101), tick(0, 100.5)],
    after: [tick(3, 100), tick(4, 100)],
    reason: null,
  },
  {
    name: 'volume: the recent average falls below a fraction of the reference average',
    exits: { volumeDryUp: { shortTicks: 2, longTicks: 4, fraction: 0.5 } },
    before: [tick(-1, 100, 10), tick(0, 100, 10)],
    // Volumes 10 10 1 1(entry) 10 10 2 2. t=5: 6 vs 0.5 x 5.75; t=6: 2 vs 0.5 x 6 = 3
    after: [tick(3, 100, 10), tick(4, 100, 10), tick(5, 100, 2), tick(6, 100, 2)],
    reason: 'volume',
    at: 6,
  },
  {
    name: 'volume: never before the recent window lies wholly after the entry',
    exits: { volumeDryUp: { shortTicks: 2, longTicks: 4, fraction: 0.5 } },
    before: [tick(-1, 100, 10), tick(0, 100, 10)],
    after: [tick(3, 100, 0)],
    reason: null,
  },
  {
    name: 'priority: stop before time when both hold',
    exits: { maxHoldingMs: 10 },
    after: [tick(50, 98)],
    reason: 'stop',
    at: 50,
  },
  {
    name: 'priority: momentum before time',
    exits: { maxHoldingMs: 10, momentumReversal: { ticks: 1, bps: 10 } },
    after: [tick(50, 99.5)],
    reason: 'momentum',
    at: 50,
  },
  {
    name: 'disabled rules never fire (stop aside)',
    exits: {},
    after: [tick(3, 100.9), tick(1_000_000, 100.9, 0), tick(1_000_001, 100.1, 0)],
    reason: null,
  },
];

describe('exit rules (hand-computed)', () => {
  it.each(cases)('$name', (c) => {
    const broker = bareBroker(c.exits);
    const steps = [...(c.before ?? []), ...enter(c.side), ...c.after];
    const out = drive(broker, steps);
    const closes = out.fills.filter((f) => f.kind === 'close');
    if (c.reason === null) {
      expect(closes).toEqual([]);
      expect(broker.position('alpha', 'BTC')).toBeDefined();
      return;
    }
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ exit_reason: c.reason, ts_ms: c.at, decision_id: 'd1' });
    if (c.price !== undefined) expect(closes[0]?.price).toBe(c.price);
    expect(out.outcomes).toHaveLength(1);
    expect(out.outcomes[0]?.exit_reason).toBe(c.reason);
    if (c.r !== undefined) expect(out.outcomes[0]?.r_multiple).toBeCloseTo(c.r, 9);
  });
});

describe('breakeven stop with costs', () => {
  it('closes at a mid where the trade nets zero after both fees and the exit slippage', () => {
    const broker = new PaperBroker({
      spreadBps: 4,
      slippageBps: 3,
      feeBps: 2.5,
      exits: {
        risk: { model: 'fixedBps', bps: 100 },
        takeProfitR: null,
        volumeDryUp: null,
        momentumReversal: null,
      },
    });
    drive(broker, [tick(1, 100), signal('d1', 'long', 1, 7), tick(2, 100), tick(3, 101.5)]);
    const position = broker.position('alpha', 'BTC');
    expect(position?.breakevenArmed).toBe(true);
    const stop = position?.stopPrice as number;
    expect(stop).toBeGreaterThan(position?.entryPrice as number); // above entry: costs included
    const out = drive(broker, [tick(4, 101), tick(5, stop)]);
    const close = out.fills.find((f) => f.kind === 'close');
    expect(close?.exit_reason).toBe('breakeven');
    expect(out.outcomes[0]?.r_multiple).toBeCloseTo(0, 12);
    expect(broker.equity('alpha').equity).toBeCloseTo(0, 12);
  });
});
