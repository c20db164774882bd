// The fill model, pure. Ticks carry one price (taken as the mid), not a book, so a fill pays
// half the configured spread plus `slippageBps`, always against the order; fees are bps of the
// fill's notional. docs/reference/pnl.md ("Fills") gives the formulas.
import type { RiskModel } from './config.ts';

/** +1 buys (opens a long, closes a short); -1 sells. Also a position's side. */
export type Direction = 1 | -1;

/** The fraction of the mid a fill pays beyond it: (spreadBps / 2 + slippageBps) / 10000. */
export function costFraction(spreadBps: number, slippageBps: number): number {
  return (spreadBps / 2 + slippageBps) / 10_000;
}

/** Price of a fill in `direction` when the tick's price is `mid`. */
export function fillPrice(mid: number, direction: Direction, cost: number): number {
  return mid * (1 + direction * cost);
}

/** Fee of a fill: qty x price x feeBps / 10000. */
export function feeOf(qty: number, price: number, feeBps: number): number {
  return (qty * price * feeBps) / 10_000;
}

/** Money lost to slippage by a fill at `price` against `mid`; always >= 0. */
export function slippageOf(qty: number, price: number, mid: number): number {
  return qty * Math.abs(price - mid);
}

/** Cash of a fill: + for a sell (money received), - for a buy (money paid). Before fees. */
export function cashOf(direction: Direction, qty: number, price: number): number {
  return direction === 1 ? -(qty * price) : qty * price;
}

/**
 * 1R in price units for a position entered at `entryPrice`: fixed bps of the entry price, or
 * `multiple` standard deviations of one-tick log returns (never below `minBps`; `minBps` alone
 * while the volatility is unknown, NaN).
 */
export function riskUnit(risk: RiskModel, entryPrice: number, volatility: number): number {
  if (risk.model === 'fixedBps') return (entryPrice * risk.bps) / 10_000;
  const floor = risk.minBps / 10_000;
  const scaled = risk.multiple * volatility;
  return entryPrice * (Number.isNaN(scaled) ? floor : Math.max(scaled, floor));
}

/**
 * The mid at which closing a position nets exactly zero after both fees and the close's
 * slippage: the breakeven stop. A close at mid m fills at x = m (1 - side c) and nets
 * side q (x - entry) - entryFee - q x f, with f = feeBps / 10000; solve for 0.
 */
export function breakevenMid(
  side: Direction,
  entryPrice: number,
  qty: number,
  entryFee: number,
  feeBps: number,
  cost: number,
): number {
  const f = feeBps / 10_000;
  const closePrice = (entryPrice + (side * entryFee) / qty) / (1 - side * f);
  return closePrice / (1 - side * cost);
}
