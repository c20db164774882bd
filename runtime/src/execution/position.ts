// One paper position's accounting, pure apart from updating the position it is given: the open
// fill and 'open' P&L event, coalesced marks, and the close fill and 'close' P&L event. Every id
// is derived from the opening decision's id, so a replay writes the same rows.
//
// P&L events carry the gross change of the position's value at the mid: the open event the loss
// from entering at the fill price rather than the mid (-slippage), each mark the change of the
// mid since the previous written mark, and the close event the rest up to the close fill price.
// The close delta is computed as (gross from the fills) - (deltas already written), so the
// position's deltas sum to its fills' gross P&L up to one rounding.
import { createHash } from 'node:crypto';
import type { FillRow, PnlEventRow } from '../ledger/records.ts';
import { Excursion } from '../outcomes/excursion.ts';
import type { ClosedPosition } from '../outcomes/labels.ts';
import { cashOf, type Direction, feeOf, fillPrice, slippageOf } from './fill-price.ts';

export interface OpenPosition {
  readonly id: string;
  readonly strategy: string;
  readonly instrument: string;
  readonly decisionId: string;
  readonly decisionTsMs: number;
  readonly side: Direction;
  readonly qty: number;
  /** Entry fill price (slippage included). */
  readonly entryPrice: number;
  readonly entryFee: number;
  readonly openTsMs: number;
  /** Index of the instrument tick the position opened on. */
  readonly openTick: number;
  /** Cash of the open fill (see cashOf). */
  readonly openCash: number;
  /** 1R, price units: distance from the entry price to the initial stop. */
  readonly risk: number;
  /** Current stop, a mid price: the initial stop, or the breakeven stop once armed. */
  stopPrice: number;
  /** Take-profit mid price; NaN when the policy has none. */
  readonly targetPrice: number;
  /** The mid at which a close nets zero after fees and slippage (see breakevenMid). */
  readonly breakevenPrice: number;
  /** True once the stop moved to breakeven. */
  breakevenArmed: boolean;
  /** The mid of the last written P&L event, and its time. */
  lastMarkPrice: number;
  lastMarkTsMs: number;
  marks: number;
  /** Sum of the deltas written so far, in the order written. */
  writtenDelta: number;
  readonly excursion: Excursion;
}

/** What opening a position needs besides the tick. */
export interface OpenOrder {
  strategy: string;
  instrument: string;
  decisionId: string;
  decisionTsMs: number;
  side: Direction;
  qty: number;
}

/** Prices set at entry, from the entry fill price and fee. */
export interface Levels {
  risk: number;
  stop: number;
  /** NaN for none. */
  target: number;
  breakeven: number;
}

export interface Costs {
  /** See costFraction. */
  cost: number;
  feeBps: number;
}

/** 32 hex chars of sha256 over the opening decision's id. */
export function positionIdFor(decisionId: string): string {
  return createHash('sha256').update(`position\u0000${decisionId}`).digest('hex').slice(0, 32);
}

/** Opens a position at a tick of price `mid`; `levels` sets risk and stop/target from the entry. */
export function openPosition(
  order: OpenOrder,
  mid: number,
  tsMs: number,
  tick: number,
  costs: Costs,
  levels: (entryPrice: number, entryFee: number) => Levels,
): { position: OpenPosition; fill: FillRow; event: PnlEventRow } {
  const { side, qty } = order;
  const price = fillPrice(mid, side, costs.cost);
  const fee = feeOf(qty, price, costs.feeBps);
  const slippage = slippageOf(qty, price, mid);
  const id = positionIdFor(order.decisionId);
  const { risk, stop, target, breakeven } = levels(price, fee);
  const delta = side * qty * (mid - price);
  const excursion = new Excursion();
  excursion.update(tsMs, side * (mid - price));
  const position: OpenPosition = {
    id,
    strategy: order.strategy,
    instrument: order.instrument,
    decisionId: order.decisionId,
    decisionTsMs: order.decisionTsMs,
    side,
    qty,
    entryPrice: price,
    entryFee: fee,
    openTsMs: tsMs,
    openTick: tick,
    openCash: cashOf(side, qty, price),
    risk,
    stopPrice: stop,
    targetPrice: target,
    breakevenPrice: breakeven,
    breakevenArmed: false,
    lastMarkPrice: mid,
    lastMarkTsMs: tsMs,
    marks: 0,
    writtenDelta: delta,
    excursion,
  };
  const fill = fillRow(position, `${id}-open`, tsMs, order.decisionId, 'open', side, {
    price,
    reference_price: mid,
    fee,
    slippage,
    exit_reason: '',
  });
  return {
    position,
    fill,
    event: eventRow(position, `${id}-open`, tsMs, 'open', delta, fee, slippage),
  };
}

/**
 * A 'mark' event for the move to `mid`, or null when the last written mark is less than
 * `intervalMs` old or the mid did not change (the next mark or the close carries the change).
 */
export function markPosition(
  p: OpenPosition,
  mid: number,
  tsMs: number,
  intervalMs: number,
): PnlEventRow | null {
  if (mid === p.lastMarkPrice || tsMs - p.lastMarkTsMs < intervalMs) return null;
  const delta = p.side * p.qty * (mid - p.lastMarkPrice);
  p.writtenDelta += delta;
  p.lastMarkPrice = mid;
  p.lastMarkTsMs = tsMs;
  p.marks++;
  return eventRow(p, `${p.id}-m${p.marks}`, tsMs, 'mark', delta, 0, 0);
}

/** Closes a position at a tick of price `mid`; `decisionId` is the closing decision's, if any. */
export function closePosition(
  p: OpenPosition,
  mid: number,
  tsMs: number,
  reason: string,
  decisionId: string,
  costs: Costs,
): { fill: FillRow; event: PnlEventRow; closed: ClosedPosition } {
  const direction = -p.side as Direction;
  const price = fillPrice(mid, direction, costs.cost);
  const fee = feeOf(p.qty, price, costs.feeBps);
  const slippage = slippageOf(p.qty, price, mid);
  const gross = p.openCash + cashOf(direction, p.qty, price);
  const fill = fillRow(p, `${p.id}-close`, tsMs, decisionId, 'close', direction, {
    price,
    reference_price: mid,
    fee,
    slippage,
    exit_reason: reason,
  });
  const delta = gross - p.writtenDelta;
  p.writtenDelta += delta;
  const closed: ClosedPosition = {
    decisionId: p.decisionId,
    decisionTsMs: p.decisionTsMs,
    strategy: p.strategy,
    instrument: p.instrument,
    positionId: p.id,
    openTsMs: p.openTsMs,
    closedTsMs: tsMs,
    exitReason: reason,
    qty: p.qty,
    risk: p.risk,
    net: gross - p.entryFee - fee,
    best: p.excursion.best,
    worst: p.excursion.worst,
    bestTsMs: p.excursion.bestTsMs,
  };
  return { fill, event: eventRow(p, `${p.id}-close`, tsMs, 'close', delta, fee, slippage), closed };
}

function fillRow(
  p: Pick<OpenPosition, 'id' | 'strategy' | 'instrument' | 'qty'>,
  id: string,
  tsMs: number,
  decisionId: string,
  kind: 'open' | 'close',
  direction: Direction,
  priced: Pick<FillRow, 'price' | 'reference_price' | 'fee' | 'slippage' | 'exit_reason'>,
): FillRow {
  return {
    id,
    ts_ms: tsMs,
    strategy: p.strategy,
    instrument: p.instrument,
    position_id: p.id,
    decision_id: decisionId,
    kind,
    side: direction === 1 ? 'buy' : 'sell',
    qty: p.qty,
    ...priced,
  };
}

function eventRow(
  p: Pick<OpenPosition, 'id' | 'strategy' | 'instrument'>,
  id: string,
  tsMs: number,
  kind: 'open' | 'mark' | 'close',
  delta: number,
  fees: number,
  slippage: number,
): PnlEventRow {
  return {
    id,
    ts_ms: tsMs,
    strategy: p.strategy,
    instrument: p.instrument,
    position_id: p.id,
    kind,
    delta,
    fees,
    slippage,
  };
}
