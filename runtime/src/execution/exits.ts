// The exit rules, pure: given an open position, the tick and the instrument's recent ticks,
// which rule (if any) closes the position now. Checked on every tick after the position's entry
// tick, in this order, the first that holds giving the reason: stop (or breakeven once the stop
// moved there), target, momentum, volume, time. docs/reference/pnl.md ("Exits") defines each.
import type { ExitPolicy } from './config.ts';
import type { MarketWindow } from './market-window.ts';
import type { OpenPosition } from './position.ts';

/** FillRow.exit_reason / OutcomeRow.exit_reason of a close. */
export type ExitReason =
  | 'stop'
  | 'breakeven'
  | 'target'
  | 'momentum'
  | 'volume'
  | 'time'
  | 'signal';

type Levels = Pick<
  OpenPosition,
  'side' | 'stopPrice' | 'targetPrice' | 'breakevenArmed' | 'openTsMs' | 'openTick'
>;

/** The rule that closes the position at this tick, or null. */
export function exitReasonAt(
  p: Levels,
  mid: number,
  tsMs: number,
  market: MarketWindow,
  policy: ExitPolicy,
): ExitReason | null {
  const side = p.side;
  if (side * (mid - p.stopPrice) <= 0) return p.breakevenArmed ? 'breakeven' : 'stop';
  if (side * (mid - p.targetPrice) >= 0) return 'target'; // false while targetPrice is NaN
  const held = market.tickIndex - p.openTick;
  const momentum = policy.momentumReversal;
  // Windows only count once they lie wholly after the entry tick: what happened before the
  // entry is the reason the strategy entered, not a reason to leave.
  if (momentum && held >= momentum.ticks) {
    if (side * market.momentumReturn <= -momentum.bps / 10_000) return 'momentum';
  }
  const dryUp = policy.volumeDryUp;
  if (dryUp && held >= dryUp.shortTicks && market.volumeDriedUp) return 'volume';
  if (policy.maxHoldingMs !== null && tsMs - p.openTsMs >= policy.maxHoldingMs) return 'time';
  return null;
}

/**
 * Moves the stop to the position's breakeven price once its move reaches `breakevenAtR` x 1R,
 * if that tightens the stop (it does unless costs exceed the move). Returns true when it moved.
 */
export function armBreakeven(
  p: Pick<
    OpenPosition,
    'side' | 'entryPrice' | 'risk' | 'stopPrice' | 'breakevenArmed' | 'breakevenPrice'
  >,
  mid: number,
  breakevenAtR: number | null,
): boolean {
  if (p.breakevenArmed || breakevenAtR === null) return false;
  if (p.side * (mid - p.entryPrice) < breakevenAtR * p.risk) return false;
  if (p.side * (p.breakevenPrice - p.stopPrice) <= 0) return false;
  p.breakevenArmed = true;
  p.stopPrice = p.breakevenPrice;
  return true;
}
