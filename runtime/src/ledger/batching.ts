// When the writer cuts the rows collected so far into a batch (pure): at `maxBatchRows` rows, or
// `flushIntervalMs` after the oldest collected row arrived, whichever comes first.
import type {
  DecisionRow,
  EquityPointRow,
  FillRow,
  OutcomeRow,
  PnlEventRow,
  SignalRow,
} from './records.ts';

/** Rows for the writable tables (daily_performance is derived, never written). */
export interface LedgerRows {
  decisions?: DecisionRow[];
  signals?: SignalRow[];
  fills?: FillRow[];
  pnl_events?: PnlEventRow[];
  equity_points?: EquityPointRow[];
  outcomes?: OutcomeRow[];
}

export type WritableTable = keyof LedgerRows;

/** The order a batch is inserted in: a decision lands before the rows that refer to it. */
export const WRITABLE_TABLES: readonly WritableTable[] = [
  'decisions',
  'signals',
  'fills',
  'pnl_events',
  'equity_points',
  'outcomes',
];

export interface BatchingPolicy {
  maxBatchRows: number;
  flushIntervalMs: number;
}

export type FlushDecision = { flush: true } | { flush: false; waitMs: number };

/** Whether to flush now, or how long until the time limit makes it so. */
export function flushDecision(
  pendingRows: number,
  oldestRowAtMs: number,
  nowMs: number,
  policy: BatchingPolicy,
): FlushDecision {
  if (pendingRows >= policy.maxBatchRows) return { flush: true };
  const waitMs = oldestRowAtMs + policy.flushIntervalMs - nowMs;
  if (pendingRows > 0 && waitMs <= 0) return { flush: true };
  return { flush: false, waitMs: Math.max(0, waitMs) };
}

export function countRows(rows: LedgerRows): number {
  let n = 0;
  for (const table of WRITABLE_TABLES) n += rows[table]?.length ?? 0;
  return n;
}

/** Appends `more` to `into`, table by table, keeping each table's order. */
export function appendRows(into: LedgerRows, more: LedgerRows): void {
  for (const table of WRITABLE_TABLES) {
    const add = more[table];
    if (add === undefined || add.length === 0) continue;
    const existing = into[table] as unknown[] | undefined;
    if (existing === undefined) (into as Record<string, unknown[]>)[table] = [...add];
    else for (const row of add) existing.push(row);
  }
}

/** Retry delay after `failures` failed attempts in a row: doubling from `initialMs`, capped. */
export function retryDelayMs(failures: number, initialMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 30));
}
