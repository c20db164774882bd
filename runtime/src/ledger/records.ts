// Rows of the ledger tables, exactly as written to ClickHouse (JSONEachRow, snake_case columns).
// Every row has a deterministic `id` so a replayed write replaces itself (ReplacingMergeTree)
// instead of duplicating. Prices and money are Float64 in the instrument's quote currency;
// times are epoch milliseconds (`ts_ms UInt64`, the portable subset: no DateTime64).

/** One scored evaluation that changed a strategy's target (immutable). */
export interface DecisionRow {
  id: string;
  ts_ms: number;
  strategy: string;
  instrument: string;
  generation: number;
  model_digest: string;
  feature_set: string;
  /**
   * Feature keys and values exactly as scored, in the strategy's declared order (the keys are
   * the strategy's own list, shared by its decisions, not a copy per decision).
   */
  feature_keys: readonly string[];
  feature_values: number[];
  rules_version: string;
  /** null when the strategy has no rules / no model (or the model fell back). */
  rule_score: number | null;
  ml_score: number | null;
  final_score: number;
  /** Share of the ml score in final_score (the strategy's resolved decision.blendWeight). */
  blend_weight: number;
  /** '' outside an experiment, else 'champion' or 'challenger'. */
  arm: string;
  /** Target side after the decision: 'long', 'short' or 'flat'. */
  action: string;
  units: number;
  correlation_id: string;
  /** The tick stream entry the decision was made on. */
  entry_id: string;
}

/** A signal as emitted to `signals:<strategy>`. */
export interface SignalRow {
  id: string;
  decision_id: string;
  ts_ms: number;
  strategy: string;
  instrument: string;
  side: string;
  units: number;
}

/** The signal a decision emits: what the RunnerLedger records next to each decision. */
export function signalOfDecision(d: DecisionRow): SignalRow {
  return {
    id: d.id,
    decision_id: d.id,
    ts_ms: d.ts_ms,
    strategy: d.strategy,
    instrument: d.instrument,
    side: d.action,
    units: d.units,
  };
}

/** A paper fill. `kind` is 'open' or 'close'; a close carries the exit reason. */
export interface FillRow {
  id: string;
  ts_ms: number;
  strategy: string;
  instrument: string;
  position_id: string;
  decision_id: string;
  kind: string;
  /** 'buy' or 'sell'. */
  side: string;
  qty: number;
  /** Fill price including slippage. */
  price: number;
  /** The mid price the slippage was taken from. */
  reference_price: number;
  fee: number;
  /** Cost of slippage in money (always >= 0). */
  slippage: number;
  /** '' for opens; stop, target, time, volume, momentum, breakeven or signal for closes. */
  exit_reason: string;
}

/** A change of a position's P&L: `delta` is the gross mark-to-market change. */
export interface PnlEventRow {
  id: string;
  ts_ms: number;
  strategy: string;
  instrument: string;
  position_id: string;
  /** 'open', 'mark' or 'close'. */
  kind: string;
  delta: number;
  fees: number;
  slippage: number;
}

/** Strategy equity after an event, with its running high-water mark and drawdown. */
export interface EquityPointRow {
  id: string;
  ts_ms: number;
  strategy: string;
  seq: number;
  equity: number;
  high_water: number;
  drawdown: number;
}

/** Per strategy and UTC day. */
export interface DailyPerformanceRow {
  strategy: string;
  /** 'YYYY-MM-DD' (UTC). */
  day: string;
  net: number;
  gross: number;
  fees: number;
  high_water: number;
  max_drawdown: number;
  trades: number;
  wins: number;
  losses: number;
  average_net: number;
}

/** Labels of a decision that opened a position, known once the position closed. */
export interface OutcomeRow {
  decision_id: string;
  ts_ms: number;
  strategy: string;
  instrument: string;
  position_id: string;
  closed_ts_ms: number;
  exit_reason: string;
  /** The risk unit (1R) in price units: distance from entry to the initial stop. */
  risk: number;
  r_multiple: number;
  /** Maximum favourable / adverse excursion, in R. */
  mfe_r: number;
  mae_r: number;
  time_to_max_pnl_ms: number;
  /** Percentile (0-100) of r_multiple among decisions on the same instrument at the same tick. */
  cohort_percentile: number;
}

export type LedgerTable =
  | 'decisions'
  | 'signals'
  | 'fills'
  | 'pnl_events'
  | 'equity_points'
  | 'daily_performance'
  | 'outcomes';
