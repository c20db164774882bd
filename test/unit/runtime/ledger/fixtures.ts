// Ledger row builders and a small two-strategy, two-day ledger whose daily figures are worked
// out by hand in HAND_DAILY (all amounts are multiples of 1/8, so every sum is exact in float),
// and a seeded random ledger for comparisons with the reference computation.
import fc from 'fast-check';
import type { LedgerRows } from '../../../../runtime/src/ledger/batching.ts';
import type {
  DailyPerformanceRow,
  DecisionRow,
  EquityPointRow,
  FillRow,
  OutcomeRow,
  PnlEventRow,
  SignalRow,
} from '../../../../runtime/src/ledger/records.ts';

export const DAY1 = Date.UTC(2024, 2, 1); // 2024-03-01T00:00Z
export const DAY2 = Date.UTC(2024, 2, 2);
const H = 3_600_000;

export function decision(over: Partial<DecisionRow> = {}): DecisionRow {
  return {
    id: 'd-1',
    ts_ms: DAY1,
    strategy: 'alpha',
    instrument: 'BTC-USD',
    generation: 3,
    model_digest: 'sha256:0f3a',
    feature_set: 'fs-9c1e',
    feature_keys: ['ret_1', 'vol_20'],
    feature_values: [0.125, -2.5],
    rules_version: 'r1',
    rule_score: 0.25,
    ml_score: null,
    final_score: 0.25,
    blend_weight: 0.5,
    arm: '',
    action: 'long',
    units: 1,
    correlation_id: 'c-1',
    entry_id: `${DAY1}-0`,
    ...over,
  };
}

export function signal(over: Partial<SignalRow> = {}): SignalRow {
  return {
    id: 's-1',
    decision_id: 'd-1',
    ts_ms: DAY1,
    strategy: 'alpha',
    instrument: 'BTC-USD',
    side: 'long',
    units: 1,
    ...over,
  };
}

export function fill(over: Partial<FillRow> = {}): FillRow {
  return {
    id: 'f-1',
    ts_ms: DAY1,
    strategy: 'alpha',
    instrument: 'BTC-USD',
    position_id: 'p-1',
    decision_id: 'd-1',
    kind: 'open',
    side: 'buy',
    qty: 1,
    price: 100,
    reference_price: 100,
    fee: 0,
    slippage: 0,
    exit_reason: '',
    ...over,
  };
}

export function pnlEvent(over: Partial<PnlEventRow> = {}): PnlEventRow {
  return {
    id: 'e-1',
    ts_ms: DAY1,
    strategy: 'alpha',
    instrument: 'BTC-USD',
    position_id: 'p-1',
    kind: 'open',
    delta: 0,
    fees: 0,
    slippage: 0,
    ...over,
  };
}

export function equityPoint(over: Partial<EquityPointRow> = {}): EquityPointRow {
  return {
    id: 'e-1',
    ts_ms: DAY1,
    strategy: 'alpha',
    seq: 1,
    equity: 0,
    high_water: 0,
    drawdown: 0,
    ...over,
  };
}

export function outcome(over: Partial<OutcomeRow> = {}): OutcomeRow {
  return {
    decision_id: 'd-1',
    ts_ms: DAY1,
    strategy: 'alpha',
    instrument: 'BTC-USD',
    position_id: 'p-1',
    closed_ts_ms: DAY1 + H,
    exit_reason: 'target',
    risk: 0.5,
    r_multiple: 2,
    mfe_r: 2.25,
    mae_r: -0.5,
    time_to_max_pnl_ms: 1_800_000,
    cohort_percentile: 50,
    ...over,
  };
}

/** One position's rows: its fills and its P&L events (delta = change of mark-to-market). */
interface Position {
  strategy: string;
  id: string;
  fills: Partial<FillRow>[];
  /** [ts, delta, fees] per event; the first is the open, a `close` fill's time closes. */
  events: [number, number, number, string][];
}

// alpha: A long, won 6.5 on day 1; B short, opened day 1, lost 3.25 on day 2; C long, still
// open. beta: D long, lost 1; E flat trade, net 0 (neither a win nor a loss). All on day 2.
const POSITIONS: Position[] = [
  {
    strategy: 'alpha',
    id: 'A',
    fills: [
      {
        ts_ms: DAY1 + 10 * H,
        kind: 'open',
        side: 'buy',
        qty: 2,
        price: 100.5,
        reference_price: 100,
        fee: 0.25,
        slippage: 1,
      },
      {
        ts_ms: DAY1 + 14 * H,
        kind: 'close',
        side: 'sell',
        qty: 2,
        price: 104,
        reference_price: 104.5,
        fee: 0.25,
        slippage: 1,
        exit_reason: 'target',
      },
    ],
    events: [
      [DAY1 + 10 * H, -1, 0.25, 'open'],
      [DAY1 + 12 * H, 6, 0, 'mark'],
      [DAY1 + 14 * H, 2, 0.25, 'close'],
    ],
  },
  {
    strategy: 'alpha',
    id: 'B',
    fills: [
      {
        ts_ms: DAY1 + 20 * H,
        kind: 'open',
        side: 'sell',
        qty: 1,
        price: 99.5,
        reference_price: 100,
        fee: 0.125,
        slippage: 0.5,
      },
      {
        ts_ms: DAY2 + 5 * H,
        kind: 'close',
        side: 'buy',
        qty: 1,
        price: 102.5,
        reference_price: 102,
        fee: 0.125,
        slippage: 0.5,
        exit_reason: 'stop',
      },
    ],
    events: [
      [DAY1 + 20 * H, -0.5, 0.125, 'open'],
      [DAY1 + 23 * H, -1, 0, 'mark'],
      [DAY2 + 3 * H, -1, 0, 'mark'],
      [DAY2 + 5 * H, -0.5, 0.125, 'close'],
    ],
  },
  {
    strategy: 'alpha',
    id: 'C',
    fills: [
      {
        ts_ms: DAY2 + 6 * H,
        kind: 'open',
        side: 'buy',
        qty: 1,
        price: 101,
        reference_price: 100.5,
        fee: 0.125,
        slippage: 0.5,
      },
    ],
    events: [
      [DAY2 + 6 * H, -0.5, 0.125, 'open'],
      [DAY2 + 8 * H, 2, 0, 'mark'],
    ],
  },
  {
    strategy: 'beta',
    id: 'D',
    fills: [
      {
        ts_ms: DAY2 + 9 * H,
        kind: 'open',
        side: 'buy',
        qty: 4,
        price: 50.25,
        reference_price: 50,
        fee: 0.5,
        slippage: 1,
      },
      {
        ts_ms: DAY2 + 11 * H,
        kind: 'close',
        side: 'sell',
        qty: 4,
        price: 50.25,
        reference_price: 50.5,
        fee: 0.5,
        slippage: 1,
        exit_reason: 'time',
      },
    ],
    events: [
      [DAY2 + 9 * H, -1, 0.5, 'open'],
      [DAY2 + 11 * H, 1, 0.5, 'close'],
    ],
  },
  {
    strategy: 'beta',
    id: 'E',
    fills: [
      { ts_ms: DAY2 + 12 * H, kind: 'open', side: 'buy', qty: 1, price: 10, reference_price: 10 },
      {
        ts_ms: DAY2 + 13 * H,
        kind: 'close',
        side: 'sell',
        qty: 1,
        price: 10,
        reference_price: 10,
        exit_reason: 'signal',
      },
    ],
    events: [
      [DAY2 + 12 * H, 0, 0, 'open'],
      [DAY2 + 13 * H, 0, 0, 'close'],
    ],
  },
];

/** The hand-computed ledger: every writable table, in the order a broker would emit rows. */
export function handLedger(): Required<LedgerRows> {
  const rows: Required<LedgerRows> = {
    decisions: [],
    signals: [],
    fills: [],
    pnl_events: [],
    equity_points: [],
    outcomes: [],
  };
  const equity = new Map<string, { equity: number; high: number; seq: number }>();
  for (const p of POSITIONS) {
    const opened = p.events[0]?.[0] ?? 0;
    const decisionId = `d-${p.id}`;
    rows.decisions.push(
      decision({
        id: decisionId,
        ts_ms: opened,
        strategy: p.strategy,
        entry_id: `${opened}-0`,
        correlation_id: `c-${p.id}`,
        ml_score: p.id === 'A' ? 0.75 : null,
      }),
    );
    rows.signals.push(
      signal({ id: `s-${p.id}`, decision_id: decisionId, ts_ms: opened, strategy: p.strategy }),
    );
    for (const [i, f] of p.fills.entries()) {
      rows.fills.push(
        fill({
          ...f,
          id: `f-${p.id}${i}`,
          strategy: p.strategy,
          position_id: `p-${p.id}`,
          decision_id: decisionId,
        }),
      );
    }
    const close = p.fills.find((f) => f.kind === 'close');
    if (close !== undefined) {
      rows.outcomes.push(
        outcome({
          decision_id: decisionId,
          ts_ms: opened,
          strategy: p.strategy,
          position_id: `p-${p.id}`,
          closed_ts_ms: close.ts_ms ?? 0,
          exit_reason: close.exit_reason ?? '',
        }),
      );
    }
  }
  // Events and equity points in time order per strategy (equity is a running sum).
  const events = POSITIONS.flatMap((p) =>
    p.events.map(([ts, delta, fees, kind], i) =>
      pnlEvent({
        id: `e-${p.id}${i}`,
        ts_ms: ts,
        strategy: p.strategy,
        position_id: `p-${p.id}`,
        kind,
        delta,
        fees,
      }),
    ),
  ).sort((a, b) => a.ts_ms - b.ts_ms);
  for (const e of events) {
    rows.pnl_events.push(e);
    const s = equity.get(e.strategy) ?? { equity: 0, high: 0, seq: 0 };
    s.equity += e.delta - e.fees;
    s.high = Math.max(s.high, s.equity);
    s.seq += 1;
    equity.set(e.strategy, s);
    rows.equity_points.push(
      equityPoint({
        id: e.id,
        ts_ms: e.ts_ms,
        strategy: e.strategy,
        seq: s.seq,
        equity: s.equity,
        high_water: s.high,
        drawdown: s.high - s.equity,
      }),
    );
  }
  rows.decisions.push(
    decision({
      id: 'd-X',
      ts_ms: DAY2 + 15 * H,
      action: 'flat',
      units: 0,
      entry_id: `${DAY2 + 15 * H}-0`,
    }),
  );
  return rows;
}

/** daily_performance of handLedger(), worked out by hand from the positions above. */
export const HAND_DAILY: DailyPerformanceRow[] = [
  // events -1 +6 +2 -0.5 -1, fees 0.25+0.25+0.125; equity -1.25 4.75 6.5 5.875 4.875
  {
    strategy: 'alpha',
    day: '2024-03-01',
    net: 4.875,
    gross: 5.5,
    fees: 0.625,
    high_water: 6.5,
    max_drawdown: 1.625,
    trades: 1,
    wins: 1,
    losses: 0,
    average_net: 6.5,
  },
  // events -1 -0.5 -0.5 +2, fees 0.125+0.125; equity 3.875 3.25 2.625 4.625; B: 99.5-102.5-0.25
  {
    strategy: 'alpha',
    day: '2024-03-02',
    net: -0.25,
    gross: 0,
    fees: 0.25,
    high_water: 6.5,
    max_drawdown: 3.875,
    trades: 1,
    wins: 0,
    losses: 1,
    average_net: -3.25,
  },
  // events -1 +1 0 0, fees 0.5+0.5; equity -1.5 -1 -1 -1; D: 201-201-1, E: 0
  {
    strategy: 'beta',
    day: '2024-03-02',
    net: -1,
    gross: 0,
    fees: 1,
    high_water: 0,
    max_drawdown: 1.5,
    trades: 2,
    wins: 0,
    losses: 1,
    average_net: -0.5,
  },
];

/**
 * A seeded random ledger: positions over three strategies and four days, some still open, with
 * fractional prices, fees and marks (sums are not exact in float), and equity points derived from
 * the events as the broker derives them.
 */
export function generatedLedger(seed: number, positions = 60): Required<LedgerRows> {
  const position = fc.record({
    strategy: fc.constantFrom('s1', 's2', 's3'),
    openAt: fc.integer({ min: 0, max: 3 * 24 * H }),
    holdMs: fc.integer({ min: 1, max: 30 * H }),
    side: fc.constantFrom('buy', 'sell'),
    qty: fc.double({ min: 0.01, max: 10, noNaN: true }),
    openPrice: fc.double({ min: 1, max: 5_000, noNaN: true }),
    closePrice: fc.double({ min: 1, max: 5_000, noNaN: true }),
    fee: fc.double({ min: 0, max: 3, noNaN: true }),
    closed: fc.boolean(),
    deltas: fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 6 }),
  });
  const [drawn = []] = fc.sample(
    fc.array(position, { minLength: positions, maxLength: positions }),
    {
      seed,
      numRuns: 1,
    },
  );
  const rows: Required<LedgerRows> = {
    decisions: [],
    signals: [],
    fills: [],
    pnl_events: [],
    equity_points: [],
    outcomes: [],
  };
  const events: PnlEventRow[] = [];
  drawn.forEach((p, n) => {
    const open = DAY1 + p.openAt;
    const close = open + p.holdMs;
    const base = { strategy: p.strategy, position_id: `gp-${n}`, decision_id: `gd-${n}` };
    rows.fills.push(
      fill({
        ...base,
        id: `gf-${n}-0`,
        ts_ms: open,
        kind: 'open',
        side: p.side,
        qty: p.qty,
        price: p.openPrice,
        fee: p.fee,
      }),
    );
    if (p.closed) {
      const side = p.side === 'buy' ? 'sell' : 'buy';
      rows.fills.push(
        fill({
          ...base,
          id: `gf-${n}-1`,
          ts_ms: close,
          kind: 'close',
          side,
          qty: p.qty,
          price: p.closePrice,
          fee: p.fee,
          exit_reason: 'time',
        }),
      );
    }
    const last = p.deltas.length - 1;
    p.deltas.forEach((delta, i) => {
      const ts = open + Math.floor((p.holdMs * i) / Math.max(1, last));
      const kind = i === 0 ? 'open' : p.closed && i === last ? 'close' : 'mark';
      const fees = kind === 'mark' ? 0 : p.fee;
      events.push(
        pnlEvent({
          id: `ge-${n}-${i}`,
          ts_ms: ts,
          strategy: p.strategy,
          position_id: base.position_id,
          kind,
          delta,
          fees,
        }),
      );
    });
  });
  events.sort((a, b) => a.ts_ms - b.ts_ms || (a.id < b.id ? -1 : 1));
  const equity = new Map<string, { equity: number; high: number; seq: number }>();
  for (const e of events) {
    rows.pnl_events.push(e);
    const s = equity.get(e.strategy) ?? { equity: 0, high: 0, seq: 0 };
    s.equity += e.delta - e.fees;
    s.high = Math.max(s.high, s.equity);
    s.seq += 1;
    equity.set(e.strategy, s);
    rows.equity_points.push(
      equityPoint({
        id: e.id,
        ts_ms: e.ts_ms,
        strategy: e.strategy,
        seq: s.seq,
        equity: s.equity,
        high_water: s.high,
        drawdown: s.high - s.equity,
      }),
    );
  }
  return rows;
}
