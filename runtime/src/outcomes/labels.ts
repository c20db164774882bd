// Outcome labels of one closed position, pure. docs/reference/pnl.md defines each.
import type { OutcomeRow } from '../ledger/records.ts';

/** What the labels need to know about a position once it closed. */
export interface ClosedPosition {
  /** The decision that opened the position. */
  decisionId: string;
  /** When that decision was made (its tick). */
  decisionTsMs: number;
  strategy: string;
  instrument: string;
  positionId: string;
  openTsMs: number;
  closedTsMs: number;
  exitReason: string;
  qty: number;
  /** 1R in price units: distance from the entry fill price to the initial stop. */
  risk: number;
  /** Realized net P&L: fill cash minus both fees. */
  net: number;
  /** Best and worst side x (mid - entry price) over the position's ticks, and when the best was. */
  best: number;
  worst: number;
  bestTsMs: number;
}

/** The OutcomeRow of a closed position, given its cohort percentile. */
export function outcomeRow(p: ClosedPosition, cohortPercentile: number): OutcomeRow {
  return {
    decision_id: p.decisionId,
    ts_ms: p.decisionTsMs,
    strategy: p.strategy,
    instrument: p.instrument,
    position_id: p.positionId,
    closed_ts_ms: p.closedTsMs,
    exit_reason: p.exitReason,
    risk: p.risk,
    r_multiple: rMultiple(p),
    mfe_r: Math.max(p.best, 0) / p.risk,
    mae_r: Math.max(-p.worst, 0) / p.risk,
    time_to_max_pnl_ms: p.bestTsMs - p.openTsMs,
    cohort_percentile: cohortPercentile,
  };
}

/** Realized net P&L in units of the money at risk, qty x 1R. */
export function rMultiple(p: Pick<ClosedPosition, 'net' | 'qty' | 'risk'>): number {
  return p.net / (p.qty * p.risk);
}
