import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PaperBroker } from '../../../../runtime/src/execution/paper-broker.ts';
import { bareBroker, drive, type Step, signal, tick } from './drive.ts';

// Spread 2 bps (half: 1) + slippage 1 bp: fills 2 bps from the mid; fee 1 bp of notional.
const costly = () =>
  new PaperBroker({
    spreadBps: 2,
    slippageBps: 1,
    feeBps: 1,
    markIntervalMs: 1000,
    exits: { volumeDryUp: null, momentumReversal: null },
  });
const pid = (decision: string) =>
  createHash('sha256').update(`position\u0000${decision}`).digest('hex').slice(0, 32);

describe('PaperBroker: slippage, fees, marks (hand-computed)', () => {
  // Long 10 at the tick after the signal (mid 100), marked at 100.1, flattened at mid 100.2.
  const steps: Step[] = [
    tick(1000, 100),
    signal('d1', 'long', 1000, 10),
    tick(2000, 100),
    tick(2500, 100.1),
    tick(3000, 100.1),
    signal('d2', 'flat', 3000),
    tick(4000, 100.2),
  ];
  const out = drive(costly(), steps);
  const id = pid('d1');

  it('fills the open at the next tick: mid + 2 bps, fee 1 bp of notional', () => {
    expect(out.fills[0]).toEqual({
      id: `${id}-open`,
      ts_ms: 2000,
      strategy: 'alpha',
      instrument: 'BTC',
      position_id: id,
      decision_id: 'd1',
      kind: 'open',
      side: 'buy',
      qty: 10,
      price: expect.closeTo(100.02, 10),
      reference_price: 100,
      fee: expect.closeTo(0.10002, 12),
      slippage: expect.closeTo(0.2, 10),
      exit_reason: '',
    });
  });

  it('fills the close at mid - 2 bps with the flat decision and reason signal', () => {
    const close = out.fills[1];
    expect(close).toMatchObject({
      id: `${id}-close`,
      ts_ms: 4000,
      decision_id: 'd2',
      kind: 'close',
      side: 'sell',
      qty: 10,
      reference_price: 100.2,
      exit_reason: 'signal',
    });
    expect(close?.price).toBeCloseTo(100.17996, 10);
    expect(close?.fee).toBeCloseTo(0.10017996, 12);
    expect(close?.slippage).toBeCloseTo(0.2004, 10);
  });

  it('writes open, one coalesced mark (500 ms < 1000 ms apart), and close events', () => {
    expect(out.pnlEvents.map((e) => [e.id, e.kind, e.ts_ms])).toEqual([
      [`${id}-open`, 'open', 2000],
      [`${id}-m1`, 'mark', 3000],
      [`${id}-close`, 'close', 4000],
    ]);
    const [open, mark, close] = out.pnlEvents;
    expect(open?.delta).toBeCloseTo(-0.2, 10); // entered 0.02 above the mid, 10 units
    expect(open?.fees).toBeCloseTo(0.10002, 12);
    expect(mark?.delta).toBeCloseTo(1.0, 10); // 10 x (100.1 - 100)
    expect(close?.delta).toBeCloseTo(0.7996, 10); // 10 x (100.17996 - 100.1)
    expect(close?.fees).toBeCloseTo(0.10017996, 12);
    expect(close?.slippage).toBeCloseTo(0.2004, 10);
  });

  it('tracks equity, high-water and drawdown per event', () => {
    expect(out.equityPoints.map((p) => p.seq)).toEqual([1, 2, 3]);
    const [a, b, c] = out.equityPoints;
    expect(a?.equity).toBeCloseTo(-0.30002, 10);
    expect(a?.high_water).toBe(0);
    expect(a?.drawdown).toBeCloseTo(0.30002, 10);
    expect(b?.equity).toBeCloseTo(0.69998, 10);
    expect(b?.high_water).toBe(b?.equity);
    expect(c?.equity).toBeCloseTo(1.39940004, 10); // gross 1.5996 - fees 0.20019996
    expect(c?.drawdown).toBe(0);
  });

  it('labels the opening decision once the position closed', () => {
    expect(out.outcomes).toHaveLength(1);
    const o = out.outcomes[0];
    const risk = 100.02 * 0.0025; // default 1R: 25 bps of the entry price
    expect(o).toMatchObject({
      decision_id: 'd1',
      ts_ms: 1000,
      position_id: id,
      closed_ts_ms: 4000,
      exit_reason: 'signal',
      time_to_max_pnl_ms: 2000, // the best mid (100.2) was the closing tick's
      cohort_percentile: 50,
    });
    expect(o?.risk).toBeCloseTo(risk, 12);
    expect(o?.r_multiple).toBeCloseTo(1.39940004 / (10 * risk), 9);
    expect(o?.mfe_r).toBeCloseTo(0.18 / risk, 9);
    expect(o?.mae_r).toBeCloseTo(0.02 / risk, 9);
  });
});

describe('PaperBroker: positions', () => {
  it('fills a signal at the next tick of its instrument, not the tick it was decided on', () => {
    const broker = bareBroker();
    const out = drive(broker, [
      tick(1, 100),
      signal('d1', 'long', 1),
      tick(2, 50, 1, 'ETH'),
      tick(3, 101),
    ]);
    expect(out.fills.map((f) => [f.ts_ms, f.price])).toEqual([[3, 101]]);
    expect(broker.position('alpha', 'BTC')?.entryPrice).toBe(101);
  });

  it('reverses: closes with reason signal, then opens the other side at the same tick', () => {
    const out = drive(bareBroker(), [
      tick(1, 100),
      signal('d1', 'long', 1, 2),
      tick(2, 100),
      signal('d2', 'short', 2, 3),
      tick(3, 100.5),
    ]);
    expect(out.fills.map((f) => [f.kind, f.side, f.qty, f.decision_id, f.exit_reason])).toEqual([
      ['open', 'buy', 2, 'd1', ''],
      ['close', 'sell', 2, 'd2', 'signal'],
      ['open', 'sell', 3, 'd2', ''],
    ]);
    expect(out.fills[2]?.position_id).toBe(pid('d2'));
  });

  it('ignores a target on the side already held, and lets the latest pending target win', () => {
    const broker = bareBroker();
    const out = drive(broker, [
      tick(1, 100),
      signal('d1', 'long', 1, 1),
      tick(2, 100),
      signal('d2', 'long', 2, 5), // same side, bigger: no resize
      tick(3, 100),
      signal('d3', 'flat', 3),
      signal('d4', 'long', 3, 2), // replaces d3 before it filled: still long, nothing to do
      tick(4, 100),
    ]);
    expect(out.fills.map((f) => f.decision_id)).toEqual(['d1']);
    expect(broker.position('alpha', 'BTC')?.qty).toBe(1);
  });

  it('does nothing for a flat target without a position', () => {
    const out = drive(bareBroker(), [tick(1, 100), signal('d1', 'flat', 1), tick(2, 100)]);
    expect(out).toEqual({ fills: [], pnlEvents: [], equityPoints: [], outcomes: [] });
  });

  it('keeps positions per strategy and instrument, equity per strategy', () => {
    const broker = bareBroker();
    drive(broker, [
      tick(1, 100),
      tick(1, 50, 1, 'ETH'),
      signal('a1', 'long', 1, 1, 'alpha', 'BTC'),
      signal('a2', 'short', 1, 1, 'alpha', 'ETH'),
      signal('b1', 'short', 1, 1, 'beta', 'BTC'),
      tick(2, 100),
      tick(2, 50, 1, 'ETH'),
      tick(3, 99.5),
      tick(3, 49.5, 1, 'ETH'),
    ]);
    expect(broker.position('alpha', 'BTC')?.side).toBe(1);
    expect(broker.position('alpha', 'ETH')?.side).toBe(-1);
    expect(broker.position('beta', 'BTC')?.side).toBe(-1);
    expect(broker.equity('alpha').equity).toBeCloseTo(-0.5 + 0.5, 12);
    expect(broker.equity('beta').equity).toBeCloseTo(0.5, 12);
    expect(broker.equity('gamma')).toEqual({ equity: 0, highWater: 0, drawdown: 0 });
  });

  it.each([
    [{ side: 'up' }, /side: up is not one of long, short, flat/],
    [{ units: 0 }, /units: 0 must be a finite number above 0 for a long target/],
    [{ units: Number.NaN }, /units: NaN/],
    [{ tsMs: -1 }, /tsMs: -1 is not an integer/],
    [{ decisionId: '' }, /decisionId: must not be empty/],
  ])('rejects the signal %j', (bad, message) => {
    const s = {
      strategy: 'a',
      instrument: 'BTC',
      decisionId: 'd',
      side: 'long',
      units: 1,
      tsMs: 1,
    };
    expect(() => bareBroker().onSignal({ ...s, ...bad } as never)).toThrow(message);
  });
});

describe('PaperBroker: replay', () => {
  const steps: Step[] = [];
  for (let i = 0; i < 400; i++) {
    const price = 100 * Math.exp(0.01 * Math.sin(i / 7) + 0.004 * Math.cos(i * 1.3));
    steps.push(tick(1000 + 250 * i, price, 1 + (i % 5)));
    if (i % 37 === 3) steps.push(signal(`d${i}`, i % 2 ? 'long' : 'short', 1000 + 250 * i, 2));
    if (i % 53 === 10) steps.push(signal(`f${i}`, 'flat', 1000 + 250 * i));
  }

  it('produces identical rows from the same inputs, however often it is drained', () => {
    const once = drive(costly(), steps);
    const broker = costly();
    const parts = [drive(broker, steps.slice(0, 123)), drive(broker, steps.slice(123))];
    const joined = {
      fills: parts.flatMap((p) => p.fills),
      pnlEvents: parts.flatMap((p) => p.pnlEvents),
      equityPoints: parts.flatMap((p) => p.equityPoints),
      outcomes: parts.flatMap((p) => p.outcomes),
    };
    expect(JSON.stringify(drive(costly(), steps))).toBe(JSON.stringify(once));
    expect(JSON.stringify(joined)).toBe(JSON.stringify(once));
    expect(once.fills.length).toBeGreaterThan(10);
    expect(new Set(once.outcomes.map((o) => o.exit_reason)).size).toBeGreaterThan(1);
  });
});
