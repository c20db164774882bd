import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BrokerConfigInput } from '../../../../runtime/src/execution/config.ts';
import { type BrokerOutput, PaperBroker } from '../../../../runtime/src/execution/paper-broker.ts';
import { closedTrades, dailyPerformance } from '../../../../runtime/src/ledger/aggregates.ts';
import type { FillRow } from '../../../../runtime/src/ledger/records.ts';
import { drive, type Step } from './drive.ts';

const STRATEGIES = ['alpha', 'beta', 'gamma'];
const INSTRUMENTS = ['BTC', 'ETH'];

// Random configs: costs, mark coalescing, and every exit rule on or off.
const config: fc.Arbitrary<BrokerConfigInput> = fc.record({
  spreadBps: fc.integer({ min: 0, max: 20 }),
  slippageBps: fc.integer({ min: 0, max: 10 }),
  feeBps: fc.integer({ min: 0, max: 10 }),
  markIntervalMs: fc.constantFrom(0, 1, 500, 5000),
  exits: fc.record({
    risk: fc.oneof(
      fc.integer({ min: 5, max: 200 }).map((bps) => ({ model: 'fixedBps' as const, bps })),
      fc.record({
        model: fc.constant('volatility' as const),
        window: fc.integer({ min: 1, max: 8 }),
        multiple: fc.integer({ min: 1, max: 5 }),
        minBps: fc.integer({ min: 1, max: 50 }),
      }),
    ),
    takeProfitR: fc.option(fc.constantFrom(0.5, 1, 2, 3)),
    breakevenAtR: fc.option(fc.constantFrom(0.5, 1)),
    maxHoldingMs: fc.option(fc.integer({ min: 1, max: 20_000 })),
    volumeDryUp: fc.option(
      fc.record({
        shortTicks: fc.integer({ min: 1, max: 3 }),
        longTicks: fc.integer({ min: 4, max: 8 }),
        fraction: fc.constantFrom(0.3, 0.6, 0.9),
      }),
    ),
    momentumReversal: fc.option(
      fc.record({ ticks: fc.integer({ min: 1, max: 4 }), bps: fc.integer({ min: 5, max: 80 }) }),
    ),
  }),
});

// A random walk per instrument (ticks 0-3 s apart, several at the same ms) with signals of
// random strategies in between.
const script: fc.Arbitrary<Step[]> = fc
  .array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.tuple(
          fc.constant('tick' as const),
          fc.nat(1),
          fc.integer({ min: -40, max: 40 }),
          fc.nat(3000),
          fc.nat(20),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc.constant('signal' as const),
          fc.nat(1),
          fc.nat(STRATEGIES.length - 1),
          fc.constantFrom('long', 'short', 'flat'),
          fc.integer({ min: 1, max: 5 }),
        ),
      },
    ),
    { minLength: 10, maxLength: 400, size: 'large' },
  )
  .map((draws) => {
    const price = [100, 2000];
    let ts = 1_700_000_000_000;
    const steps: Step[] = [];
    draws.forEach((d, i) => {
      const instrument = INSTRUMENTS[d[1]] as string;
      if (d[0] === 'tick') {
        ts += d[3];
        price[d[1]] = (price[d[1]] as number) * Math.exp(d[2] * 1e-4);
        steps.push({ tick: instrument, ts, price: price[d[1]] as number, volume: d[4] });
      } else {
        const strategy = STRATEGIES[d[2]] as string;
        steps.push({
          strategy,
          instrument,
          decisionId: `d${i}`,
          side: d[3],
          units: d[4],
          tsMs: ts,
        });
      }
    });
    return steps;
  });

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** Every broken invariant, as a message; empty when all hold. */
function brokenInvariants(out: BrokerOutput, broker: PaperBroker): string[] {
  const broken: string[] = [];
  const fail = (ok: boolean, what: string) => {
    if (!ok) broken.push(what);
  };
  const eventsOf = groupBy(out.pnlEvents, (e) => e.position_id);
  const fillsOf = groupBy(out.fills, (f) => f.position_id);

  // Every closed position: its events' (delta - fees) sum to its fills' net P&L.
  const trades = closedTrades(out.fills);
  for (const t of trades) {
    const events = eventsOf.get(t.positionId) ?? [];
    const notional = sum((fillsOf.get(t.positionId) ?? []).map((f) => f.qty * f.price));
    const id = t.positionId;
    fail(events[0]?.kind === 'open' && events.at(-1)?.kind === 'close', `${id}: open..close`);
    const net = sum(events.map((e) => e.delta - e.fees));
    fail(Math.abs(net - t.net) <= 1e-9 * notional, `${id}: events net ${net} != fills ${t.net}`);
    const gross = sum(events.map((e) => e.delta));
    fail(Math.abs(gross - t.gross) <= 1e-9 * notional, `${id}: gross ${gross} != ${t.gross}`);
  }

  // One equity point per event, same id; running sums exactly as written.
  fail(
    out.equityPoints.every((p, i) => p.id === out.pnlEvents[i]?.id),
    'equity point ids follow the events',
  );
  fail(out.equityPoints.length === out.pnlEvents.length, 'one equity point per event');
  const pointsOf = groupBy(out.equityPoints, (p) => p.strategy);
  const strategyEvents = groupBy(out.pnlEvents, (e) => e.strategy);
  for (const strategy of STRATEGIES) {
    const events = strategyEvents.get(strategy) ?? [];
    let equity = 0;
    let highWater = 0;
    (pointsOf.get(strategy) ?? []).forEach((p, i) => {
      const e = events[i];
      equity += (e?.delta as number) - (e?.fees as number);
      highWater = Math.max(highWater, equity);
      fail(p.seq === i + 1, `${strategy}: seq ${p.seq} at ${i}`);
      fail(p.equity === equity, `${strategy}: equity ${p.equity} != sum ${equity}`);
      fail(p.high_water === highWater, `${strategy}: high_water ${p.high_water} != ${highWater}`);
      fail(p.drawdown === highWater - equity && p.drawdown >= 0, `${strategy}: drawdown`);
    });
    fail(broker.equity(strategy).equity === equity, `${strategy}: broker equity`);
    // Equity = realized net of closed trades + unrealized at the last written mark - open fees.
    let expected = sum(trades.filter((t) => t.strategy === strategy).map((t) => t.net));
    for (const instrument of INSTRUMENTS) {
      const p = broker.position(strategy, instrument);
      if (p) expected += p.side * p.qty * (p.lastMarkPrice - p.entryPrice) - p.entryFee;
    }
    fail(Math.abs(equity - expected) <= 1e-6, `${strategy}: equity ${equity} != ${expected}`);
  }

  for (const f of out.fills) {
    fail(f.slippage >= 0 && f.fee >= 0, `${f.id}: negative cost`);
    fail(f.side === 'buy' ? f.price >= f.reference_price : f.price <= f.reference_price, f.id);
    fail(f.kind === 'open' ? f.exit_reason === '' : f.exit_reason !== '', `${f.id}: reason`);
  }

  // Outcomes: one per closed position whose cohort is final; the rest are still pending.
  const opens = out.fills.filter((f) => f.kind === 'open').length;
  fail(out.outcomes.length + broker.unlabelled === opens, 'outcomes + unlabelled = opens');
  const netOf = new Map(trades.map((t) => [t.positionId, t.net]));
  for (const o of out.outcomes) {
    const open = fillsOf.get(o.position_id)?.[0] as FillRow;
    const r = (netOf.get(o.position_id) as number) / (open.qty * o.risk);
    fail(Math.abs(o.r_multiple - r) <= 1e-9 * Math.max(1, Math.abs(r)), `${o.decision_id}: R`);
    fail(o.mfe_r >= 0 && o.mae_r >= 0, `${o.decision_id}: excursions`);
    const held = o.closed_ts_ms - open.ts_ms;
    fail(o.time_to_max_pnl_ms >= 0 && o.time_to_max_pnl_ms <= held, `${o.decision_id}: time`);
    fail(o.cohort_percentile >= 0 && o.cohort_percentile <= 100, `${o.decision_id}: pct`);
  }

  // daily_performance adds up to the same totals.
  const days = dailyPerformance(out.fills, out.pnlEvents, out.equityPoints);
  fail(sum(days.map((d) => d.trades)) === trades.length, 'daily trades');
  for (const strategy of STRATEGIES) {
    const net = sum(days.filter((d) => d.strategy === strategy).map((d) => d.net));
    fail(Math.abs(net - broker.equity(strategy).equity) <= 1e-6, `${strategy}: daily net`);
  }
  return broken;
}

describe('PaperBroker properties (random tick paths and signal sequences)', () => {
  it('keeps the P&L, equity and outcome invariants', () => {
    fc.assert(
      fc.property(config, script, (c, steps) => {
        const broker = new PaperBroker(c);
        expect(brokenInvariants(drive(broker, steps), broker)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('replays: the same inputs give identical rows', () => {
    fc.assert(
      fc.property(config, script, (c, steps) => {
        const a = drive(new PaperBroker(c), steps);
        const b = drive(new PaperBroker(c), steps);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 100 },
    );
  });
});
