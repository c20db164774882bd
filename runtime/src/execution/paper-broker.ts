// The paper broker: signals (target changes) and ticks in; fills, P&L events, equity points and
// outcome labels out. Deterministic and free of I/O and clocks: time is the tick's ts. Per tick
// of an instrument it costs O(1) plus O(1) per open position on that instrument.
//
// Contract with the caller (the runner): call onTick for a tick before passing the signals
// decided on that tick. A signal waits for the next tick of its instrument and fills there;
// a later signal of the same strategy and instrument before that tick replaces it (the latest
// target wins). On that tick, per pending signal: flat closes the open position (exit reason
// 'signal'); the opposite side closes it and opens a new one (a reversal); the side already held
// changes nothing (a size change does not resize an open position); long or short with no
// position opens one. Then every other open position on the instrument is marked and its exit
// rules checked; a triggered exit fills at that same tick's price.
import type { Tick } from '../ingest/tick-format.ts';
import type { EquityPointRow, FillRow, OutcomeRow, PnlEventRow } from '../ledger/records.ts';
import { OutcomeLabeller } from '../outcomes/cohorts.ts';
import {
  type BrokerConfig,
  type BrokerConfigInput,
  resolveBrokerConfig,
  spreadBpsOf,
} from './config.ts';
import { StrategyEquity } from './equity.ts';
import { armBreakeven, type ExitReason, exitReasonAt } from './exits.ts';
import { breakevenMid, costFraction, type Direction, riskUnit } from './fill-price.ts';
import { MarketWindow } from './market-window.ts';
import {
  type Costs,
  closePosition,
  type Levels,
  markPosition,
  type OpenPosition,
  openPosition,
} from './position.ts';

/** A strategy's target change for one instrument. */
export interface BrokerSignal {
  strategy: string;
  instrument: string;
  /** The decision that made the change; ids of the rows it causes derive from it. */
  decisionId: string;
  side: 'long' | 'short' | 'flat';
  /** Position size for long and short (> 0); ignored for flat. */
  units: number;
  /** The decision's tick time, ms. */
  tsMs: number;
}

/** Rows produced since the last drain, each list in the order produced. */
export interface BrokerOutput {
  fills: FillRow[];
  pnlEvents: PnlEventRow[];
  equityPoints: EquityPointRow[];
  outcomes: OutcomeRow[];
}

interface Book {
  readonly instrument: string;
  readonly market: MarketWindow;
  readonly costs: Costs;
  readonly pending: Map<string, BrokerSignal>;
  readonly positions: Map<string, OpenPosition>;
}

const SIDES = { long: 1, short: -1, flat: 0 } as const;

export class PaperBroker {
  readonly config: BrokerConfig;
  private readonly books = new Map<string, Book>();
  private readonly equities = new Map<string, StrategyEquity>();
  private readonly labeller = new OutcomeLabeller();
  private out: BrokerOutput = emptyOutput();

  constructor(config: BrokerConfigInput = {}) {
    this.config = resolveBrokerConfig(config);
  }

  /** Queues a target change; it fills on the instrument's next tick. Throws RangeError on a bad signal. */
  onSignal(signal: BrokerSignal): void {
    const problem = signalProblem(signal);
    if (problem) throw new RangeError(`broker signal: ${problem}`);
    this.book(signal.instrument).pending.set(signal.strategy, signal);
  }

  /** Processes one tick of `instrument`: pending fills, then marks and exits. */
  onTick(instrument: string, tick: Tick): void {
    const book = this.book(instrument);
    const index = book.market.push(tick.price, tick.volume);
    if (book.pending.size > 0) this.fillPending(book, tick, index);
    for (const position of book.positions.values())
      if (position.openTick !== index) this.markAndCheck(book, position, tick);
  }

  /** The rows produced since the last drain; the broker starts new lists. */
  drain(): BrokerOutput {
    const out = this.out;
    this.out = emptyOutput();
    return out;
  }

  /** The open position of a strategy on an instrument (do not modify it). */
  position(strategy: string, instrument: string): Readonly<OpenPosition> | undefined {
    return this.books.get(instrument)?.positions.get(strategy);
  }

  /** Current equity, high-water mark and drawdown of a strategy (all 0 before its first event). */
  equity(strategy: string): { equity: number; highWater: number; drawdown: number } {
    const e = this.equities.get(strategy);
    return e
      ? { equity: e.equity, highWater: e.highWater, drawdown: e.drawdown }
      : { equity: 0, highWater: 0, drawdown: 0 };
  }

  /** Opened positions whose outcome row is not out yet (open, or waiting for their cohort). */
  get unlabelled(): number {
    return this.labeller.pending;
  }

  private fillPending(book: Book, tick: Tick, index: number): void {
    const cohort = `${book.instrument}\u0000${index}`;
    for (const signal of book.pending.values()) {
      const side = SIDES[signal.side];
      const held = book.positions.get(signal.strategy);
      if (held) {
        if (held.side === side) continue;
        held.excursion.update(tick.ts, held.side * (tick.price - held.entryPrice));
        this.close(book, held, tick, 'signal', signal.decisionId);
      }
      if (side !== 0) this.open(book, signal, side, tick, index, cohort);
    }
    book.pending.clear();
    this.labeller.seal(cohort, this.out.outcomes);
  }

  private open(
    book: Book,
    signal: BrokerSignal,
    side: Direction,
    tick: Tick,
    index: number,
    cohort: string,
  ): void {
    const order = {
      strategy: signal.strategy,
      instrument: signal.instrument,
      decisionId: signal.decisionId,
      decisionTsMs: signal.tsMs,
      side,
      qty: signal.units,
    };
    const levels = (entryPrice: number, entryFee: number) =>
      this.levels(book, side, signal.units, entryPrice, entryFee);
    const opened = openPosition(order, tick.price, tick.ts, index, book.costs, levels);
    book.positions.set(signal.strategy, opened.position);
    this.labeller.opened(opened.position.id, cohort);
    this.out.fills.push(opened.fill);
    this.record(opened.event);
  }

  private levels(
    book: Book,
    side: Direction,
    qty: number,
    entryPrice: number,
    entryFee: number,
  ): Levels {
    const exits = this.config.exits;
    const risk = riskUnit(exits.risk, entryPrice, book.market.volatility);
    return {
      risk,
      stop: entryPrice - side * risk,
      target:
        exits.takeProfitR === null ? Number.NaN : entryPrice + side * exits.takeProfitR * risk,
      breakeven: breakevenMid(side, entryPrice, qty, entryFee, this.config.feeBps, book.costs.cost),
    };
  }

  private markAndCheck(book: Book, p: OpenPosition, tick: Tick): void {
    const mid = tick.price;
    p.excursion.update(tick.ts, p.side * (mid - p.entryPrice));
    const exits = this.config.exits;
    const reason = exitReasonAt(p, mid, tick.ts, book.market, exits);
    if (reason) {
      this.close(book, p, tick, reason, p.decisionId);
      return;
    }
    armBreakeven(p, mid, exits.breakevenAtR);
    const mark = markPosition(p, mid, tick.ts, this.config.markIntervalMs);
    if (mark) this.record(mark);
  }

  private close(
    book: Book,
    p: OpenPosition,
    tick: Tick,
    reason: ExitReason,
    decisionId: string,
  ): void {
    const closed = closePosition(p, tick.price, tick.ts, reason, decisionId, book.costs);
    book.positions.delete(p.strategy);
    this.out.fills.push(closed.fill);
    this.record(closed.event);
    this.labeller.closed(closed.closed, this.out.outcomes);
  }

  private record(event: PnlEventRow): void {
    this.out.pnlEvents.push(event);
    let equity = this.equities.get(event.strategy);
    if (!equity) {
      equity = new StrategyEquity(event.strategy);
      this.equities.set(event.strategy, equity);
    }
    this.out.equityPoints.push(equity.apply(event));
  }

  private book(instrument: string): Book {
    let book = this.books.get(instrument);
    if (!book) {
      const c = this.config;
      book = {
        instrument,
        market: new MarketWindow(c.exits),
        costs: { cost: costFraction(spreadBpsOf(c, instrument), c.slippageBps), feeBps: c.feeBps },
        pending: new Map(),
        positions: new Map(),
      };
      this.books.set(instrument, book);
    }
    return book;
  }
}

function emptyOutput(): BrokerOutput {
  return { fills: [], pnlEvents: [], equityPoints: [], outcomes: [] };
}

function signalProblem(s: BrokerSignal): string | undefined {
  if (!Object.hasOwn(SIDES, s.side))
    return `side: ${String(s.side)} is not one of long, short, flat`;
  if (s.side !== 'flat' && !(Number.isFinite(s.units) && s.units > 0))
    return `units: ${s.units} must be a finite number above 0 for a ${s.side} target`;
  if (!Number.isSafeInteger(s.tsMs) || s.tsMs < 0) return `tsMs: ${s.tsMs} is not an integer >= 0`;
  if (!s.decisionId) return 'decisionId: must not be empty';
  if (!s.strategy || !s.instrument) return 'strategy and instrument must not be empty';
  return undefined;
}
