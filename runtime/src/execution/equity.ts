// A strategy's equity curve, one point per P&L event: equity is the running sum of
// (delta - fees) over the strategy's events in the order written (realized + unrealized P&L
// minus fees), high_water the running maximum of equity and of 0 (the curve starts flat at 0),
// and drawdown = high_water - equity >= 0.
import type { EquityPointRow, PnlEventRow } from '../ledger/records.ts';

export class StrategyEquity {
  readonly strategy: string;
  equity = 0;
  highWater = 0;
  /** Points written so far; the next point's seq is seq + 1. */
  seq = 0;

  constructor(strategy: string) {
    this.strategy = strategy;
  }

  get drawdown(): number {
    return this.highWater - this.equity;
  }

  /** Applies one P&L event of this strategy; the point shares the event's id. */
  apply(event: PnlEventRow): EquityPointRow {
    this.equity += event.delta - event.fees;
    if (this.equity > this.highWater) this.highWater = this.equity;
    return {
      id: event.id,
      ts_ms: event.ts_ms,
      strategy: this.strategy,
      seq: ++this.seq,
      equity: this.equity,
      high_water: this.highWater,
      drawdown: this.highWater - this.equity,
    };
  }
}
