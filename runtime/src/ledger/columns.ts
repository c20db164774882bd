// Column lists of the ledger tables, typed against the row types so a renamed field fails to
// compile, and the decoding of rows read back. 64-bit integers arrive as JSON strings when the
// client sets output_format_json_quote_64bit_integers (FINDINGS: set it on both engines), so
// every integer column is turned back into a number (all are far below 2^53: epoch ms, counts).
import type {
  DailyPerformanceRow,
  DecisionRow,
  EquityPointRow,
  FillRow,
  OutcomeRow,
  PnlEventRow,
  SignalRow,
} from './records.ts';

/** Every key of T, exactly once (checked by `satisfies` below and by a unit test). */
type Columns<T> = readonly (keyof T & string)[];

export const DECISION_COLUMNS = [
  'id',
  'ts_ms',
  'strategy',
  'instrument',
  'generation',
  'model_digest',
  'feature_set',
  'feature_keys',
  'feature_values',
  'rules_version',
  'rule_score',
  'ml_score',
  'final_score',
  'blend_weight',
  'arm',
  'action',
  'units',
  'correlation_id',
  'entry_id',
] as const satisfies Columns<DecisionRow>;

export const SIGNAL_COLUMNS = [
  'id',
  'decision_id',
  'ts_ms',
  'strategy',
  'instrument',
  'side',
  'units',
] as const satisfies Columns<SignalRow>;

export const FILL_COLUMNS = [
  'id',
  'ts_ms',
  'strategy',
  'instrument',
  'position_id',
  'decision_id',
  'kind',
  'side',
  'qty',
  'price',
  'reference_price',
  'fee',
  'slippage',
  'exit_reason',
] as const satisfies Columns<FillRow>;

export const PNL_EVENT_COLUMNS = [
  'id',
  'ts_ms',
  'strategy',
  'instrument',
  'position_id',
  'kind',
  'delta',
  'fees',
  'slippage',
] as const satisfies Columns<PnlEventRow>;

export const EQUITY_POINT_COLUMNS = [
  'id',
  'ts_ms',
  'strategy',
  'seq',
  'equity',
  'high_water',
  'drawdown',
] as const satisfies Columns<EquityPointRow>;

export const OUTCOME_COLUMNS = [
  'decision_id',
  'ts_ms',
  'strategy',
  'instrument',
  'position_id',
  'closed_ts_ms',
  'exit_reason',
  'risk',
  'r_multiple',
  'mfe_r',
  'mae_r',
  'time_to_max_pnl_ms',
  'cohort_percentile',
] as const satisfies Columns<OutcomeRow>;

export const DAILY_PERFORMANCE_COLUMNS = [
  'strategy',
  'day',
  'net',
  'gross',
  'fees',
  'high_water',
  'max_drawdown',
  'trades',
  'wins',
  'losses',
  'average_net',
] as const satisfies Columns<DailyPerformanceRow>;

/** Columns stored as (U)Int64, by name; the same name has the same type in every table. */
export const INTEGER_COLUMNS: ReadonlySet<string> = new Set([
  'ts_ms',
  'generation',
  'seq',
  'closed_ts_ms',
  'time_to_max_pnl_ms',
  'trades',
  'wins',
  'losses',
  'decisions',
  'signals',
]);

/** A row as read back, with integer columns as numbers again. */
export function decodeRow<T>(raw: Record<string, unknown>): T {
  const row: Record<string, unknown> = { ...raw };
  for (const key of Object.keys(row)) {
    if (INTEGER_COLUMNS.has(key) && typeof row[key] === 'string') row[key] = Number(row[key]);
  }
  return row as T;
}

/** `a, b, c` for a SELECT list. */
export function selectList(columns: readonly string[], prefix = ''): string {
  return columns.map((c) => `${prefix}${c}`).join(', ');
}
