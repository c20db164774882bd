import { describe, expect, it } from 'vitest';
import { PaperBroker } from '../../../../runtime/src/execution/paper-broker.ts';
import {
  closedTrades,
  dailyPerformance,
  utcDay,
} from '../../../../runtime/src/ledger/aggregates.ts';
import type {
  EquityPointRow,
  FillRow,
  PnlEventRow,
} from '../../../../runtime/src/ledger/records.ts';
import { drive, signal, tick } from '../execution/drive.ts';

const DAY1 = Date.UTC(2026, 0, 1);
const DAY2 = Date.UTC(2026, 0, 2);
const H = 3_600_000;

const fill = (
  strategy: string,
  position: string,
  kind: 'open' | 'close',
  side: 'buy' | 'sell',
  qty: number,
  price: number,
  fee: number,
  ts: number,
): FillRow => ({
  id: `${position}-${kind}`,
  ts_ms: ts,
  strategy,
  instrument: 'BTC',
  position_id: position,
  decision_id: position,
  kind,
  side,
  qty,
  price,
  reference_price: price,
  fee,
  slippage: 0,
  exit_reason: kind === 'close' ? 'signal' : '',
});

const event = (
  strategy: string,
  id: string,
  kind: string,
  delta: number,
  fees: number,
  ts: number,
): PnlEventRow => ({
  id,
  ts_ms: ts,
  strategy,
  instrument: 'BTC',
  position_id: id.split('-')[0] as string,
  kind,
  delta,
  fees,
  slippage: 0,
});

const point = (
  strategy: string,
  seq: number,
  equity: number,
  highWater: number,
  ts: number,
): EquityPointRow => ({
  id: `${strategy}-${seq}`,
  ts_ms: ts,
  strategy,
  seq,
  equity,
  high_water: highWater,
  drawdown: highWater - equity,
});

// alpha: p1 long 2 @ 100 -> 103 on day 1 (win); p2 short 1 @ 50 -> 51 across midnight (loss on
// day 2); p3 flat trade on day 2 (neither win nor loss); p4 still open. beta: one loss on day 1.
const fills: FillRow[] = [
  fill('alpha', 'p1', 'open', 'buy', 2, 100, 0.02, DAY1 + 10 * H),
  fill('alpha', 'p1', 'close', 'sell', 2, 103, 0.0206, DAY1 + 12 * H),
  fill('alpha', 'p2', 'open', 'sell', 1, 50, 0.005, DAY1 + 23 * H),
  fill('alpha', 'p2', 'close', 'buy', 1, 51, 0.0051, DAY2 + 1 * H),
  fill('alpha', 'p3', 'open', 'buy', 1, 10, 0, DAY2 + 2 * H),
  fill('alpha', 'p3', 'close', 'sell', 1, 10, 0, DAY2 + 3 * H),
  fill('alpha', 'p4', 'open', 'buy', 1, 20, 0, DAY2 + 4 * H),
  fill('beta', 'p5', 'open', 'buy', 1, 10, 0.01, DAY1 + 1 * H),
  fill('beta', 'p5', 'close', 'sell', 1, 9, 0.009, DAY1 + 2 * H),
];
const events: PnlEventRow[] = [
  event('alpha', 'p1-open', 'open', 0, 0.02, DAY1 + 10 * H),
  event('alpha', 'p1-m1', 'mark', 4, 0, DAY1 + 11 * H),
  event('alpha', 'p1-close', 'close', 2, 0.0206, DAY1 + 12 * H),
  event('alpha', 'p2-open', 'open', 0, 0.005, DAY1 + 23 * H),
  event('alpha', 'p2-m1', 'mark', -0.5, 0, DAY1 + 23.5 * H),
  event('alpha', 'p2-close', 'close', -0.5, 0.0051, DAY2 + 1 * H),
  event('alpha', 'p3-open', 'open', 0, 0, DAY2 + 2 * H),
  event('alpha', 'p3-close', 'close', 0, 0, DAY2 + 3 * H),
  event('alpha', 'p4-open', 'open', 0, 0, DAY2 + 4 * H),
  event('alpha', 'p4-m1', 'mark', 0.3, 0, DAY2 + 5 * H),
  event('beta', 'p5-open', 'open', 0, 0.01, DAY1 + 1 * H),
  event('beta', 'p5-close', 'close', -1, 0.009, DAY1 + 2 * H),
];
// Running sums of (delta - fees) above, with the running maximum of equity and 0.
const points: EquityPointRow[] = [
  point('alpha', 1, -0.02, 0, DAY1 + 10 * H),
  point('alpha', 2, 3.98, 3.98, DAY1 + 11 * H),
  point('alpha', 3, 5.9594, 5.9594, DAY1 + 12 * H),
  point('alpha', 4, 5.9544, 5.9594, DAY1 + 23 * H),
  point('alpha', 5, 5.4544, 5.9594, DAY1 + 23.5 * H),
  point('alpha', 6, 4.9493, 5.9594, DAY2 + 1 * H),
  point('alpha', 7, 4.9493, 5.9594, DAY2 + 2 * H),
  point('alpha', 8, 4.9493, 5.9594, DAY2 + 3 * H),
  point('alpha', 9, 4.9493, 5.9594, DAY2 + 4 * H),
  point('alpha', 10, 5.2493, 5.9594, DAY2 + 5 * H),
  point('beta', 1, -0.01, 0, DAY1 + 1 * H),
  point('beta', 2, -1.029, 0, DAY1 + 2 * H),
];

describe('dailyPerformance (hand-computed)', () => {
  const expected = [
    {
      strategy: 'alpha',
      day: '2026-01-01',
      gross: 5.5, // 0 + 4 + 2 + 0 - 0.5
      fees: 0.0456, // 0.02 + 0.0206 + 0.005
      net: 5.4544,
      high_water: 5.9594,
      max_drawdown: 0.505, // 5.9594 - 5.4544
      trades: 1, // p1: 206 - 200 - 0.0406 = 5.9594
      wins: 1,
      losses: 0,
      average_net: 5.9594,
    },
    {
      strategy: 'alpha',
      day: '2026-01-02',
      gross: -0.2, // -0.5 + 0.3
      fees: 0.0051,
      net: -0.2051,
      high_water: 5.9594,
      max_drawdown: 1.0101, // 5.9594 - 4.9493
      trades: 2, // p2 (opened the day before): 50 - 51 - 0.0101 = -1.0101; p3: 0
      wins: 0,
      losses: 1,
      average_net: -0.50505,
    },
    {
      strategy: 'beta',
      day: '2026-01-01',
      gross: -1,
      fees: 0.019,
      net: -1.019,
      high_water: 0,
      max_drawdown: 1.029,
      trades: 1,
      wins: 0,
      losses: 1,
      average_net: -1.019,
    },
  ];

  it('matches the hand computation field by field', () => {
    const rows = dailyPerformance(fills, events, points);
    expect(rows.map((r) => [r.strategy, r.day])).toEqual(expected.map((r) => [r.strategy, r.day]));
    rows.forEach((row, i) => {
      const want = expected[i] as Record<string, number | string>;
      for (const [field, value] of Object.entries(want)) {
        if (typeof value === 'string') expect(row[field as keyof typeof row]).toBe(value);
        else expect(row[field as keyof typeof row], field).toBeCloseTo(value, 10);
      }
    });
  });

  it('counts a replayed row (same id) once, as a FINAL read does', () => {
    const replayed = dailyPerformance(
      [...fills, fills[1] as FillRow],
      [...events, events[1] as PnlEventRow],
      [...points, points[4] as EquityPointRow],
    );
    expect(replayed).toEqual(dailyPerformance(fills, events, points));
  });

  it('nets each trade from its fills: sell cash - buy cash - fees', () => {
    const trades = closedTrades(fills);
    expect(trades.map((t) => t.positionId)).toEqual(['p1', 'p2', 'p3', 'p5']);
    expect(trades[0]?.gross).toBe(6);
    expect(trades[0]?.net).toBeCloseTo(5.9594, 12);
    expect(trades[1]?.closedTsMs).toBe(DAY2 + H);
  });

  it('buckets by UTC day', () => {
    expect(utcDay(DAY2 - 1)).toBe('2026-01-01');
    expect(utcDay(DAY2)).toBe('2026-01-02');
  });
});

describe('dailyPerformance of broker output', () => {
  it('adds up to the final equity, and trades to the closed positions', () => {
    const broker = new PaperBroker({
      exits: { maxHoldingMs: null, volumeDryUp: null, momentumReversal: null },
    });
    const steps = [tick(DAY1, 100), signal('d1', 'long', DAY1, 3)];
    for (let i = 1; i <= 60; i++) {
      const ts = DAY1 + i * H;
      steps.push(tick(ts, 100 + Math.sin(i) * 0.3));
      if (i % 6 === 0) steps.push(signal(`d${i}`, i % 12 ? 'short' : 'long', ts, 1 + (i % 4)));
    }
    const out = drive(broker, steps);
    const rows = dailyPerformance(out.fills, out.pnlEvents, out.equityPoints);
    expect(rows.map((r) => r.day)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    const total = rows.reduce((a, r) => a + r.net, 0);
    expect(total).toBeCloseTo(broker.equity('alpha').equity, 9);
    const trades = out.fills.filter((f) => f.kind === 'close').length;
    expect(rows.reduce((a, r) => a + r.trades, 0)).toBe(trades);
    expect(trades).toBeGreaterThan(3);
    for (const r of rows) expect(r.wins + r.losses).toBeLessThanOrEqual(r.trades);
  });
});
