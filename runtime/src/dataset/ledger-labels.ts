// The label of a ledger decision, in the same sense as the synthetic dataset's label ("a long
// entered now pays its costs"): the net log return of a LONG position held over the decision's
// own position's life, from that position's entry and exit fills. For a long decision it is the
// realized trade (so label = r_multiple > 0); for a short one it is the mirror trade over the same
// holding period, at the same mids and the same cost and fee fractions. docs/guides/
// training-models.md ("Training on the ledger") defines it; docs/reference/pnl.md the fills.

/** The open and close fill of one position (fills.reference_price is the mid `m`). */
export interface FillPair {
  entryMid: number;
  entryPrice: number;
  entryFee: number;
  entryQty: number;
  exitMid: number;
  exitPrice: number;
  exitFee: number;
  exitQty: number;
}

/** Why a fill pair cannot be labelled (a price, quantity or fee out of range), or undefined. */
export function fillPairProblem(f: FillPair): string | undefined {
  const positive = [f.entryMid, f.entryPrice, f.entryQty, f.exitMid, f.exitPrice, f.exitQty];
  if (!positive.every((x) => Number.isFinite(x) && x > 0))
    return 'a fill has a price, mid or quantity that is not a positive number';
  if (!(f.entryFee >= 0 && f.exitFee >= 0 && Number.isFinite(f.entryFee + f.exitFee)))
    return 'a fill has a fee that is not a number >= 0';
  return undefined;
}

/**
 * ln(what a long gets per unit at the exit, after the exit's slippage and fee / what it pays per
 * unit at the entry, including the entry's slippage and fee). A fill at mid m with cost fraction
 * c fills at m(1 + c) for a buy and m(1 - c) for a sell; `|price - m|` is m c for either side, so
 * the long's prices follow from the position's fills whatever its side. Fee fraction f = fee /
 * (qty x price), the same for either side.
 */
export function longNetLogReturn(f: FillPair): number {
  const buy = f.entryMid + Math.abs(f.entryPrice - f.entryMid);
  const sell = f.exitMid - Math.abs(f.exitPrice - f.exitMid);
  const entryFeeFraction = f.entryFee / (f.entryQty * f.entryPrice);
  const exitFeeFraction = f.exitFee / (f.exitQty * f.exitPrice);
  return Math.log((sell * (1 - exitFeeFraction)) / (buy * (1 + entryFeeFraction)));
}

/** label = 1 when the long's net return is positive: the threshold is 0, costs are inside. */
export function ledgerLabel(longNetReturn: number): 0 | 1 {
  return longNetReturn > 0 ? 1 : 0;
}

/** `flotilla.cost_threshold` of a ledger dataset: costs are inside `fwd_return` already. */
export const LEDGER_COST_THRESHOLD = 0;
