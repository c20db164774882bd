// The ledger rows of one batch as they travel through the outbox stream (pure). Each table goes
// as rows of values in its column order (columns.ts) instead of objects; the feature key lists,
// the same for every decision of a strategy, go once per entry; and signals, when each is its
// decision's (the RunnerLedger makes exactly one per decision), are left out and rebuilt on
// decoding (every signal row is still inserted). That is about half the bytes of the rows as
// JSON objects, and the commit costs Redis by the byte: 30 KB of rows in its script take it
// 68 us, against 2 us without rows (bench/README.md). Entries written before this format (the
// rows as JSON objects) still decode.
import type { LedgerRows, WritableTable } from './batching.ts';
import {
  DECISION_COLUMNS,
  EQUITY_POINT_COLUMNS,
  FILL_COLUMNS,
  OUTCOME_COLUMNS,
  PNL_EVENT_COLUMNS,
  SIGNAL_COLUMNS,
} from './columns.ts';
import { type DecisionRow, type SignalRow, signalOfDecision } from './records.ts';

const COLUMNS: Record<WritableTable, readonly string[]> = {
  decisions: DECISION_COLUMNS,
  signals: SIGNAL_COLUMNS,
  fills: FILL_COLUMNS,
  pnl_events: PNL_EVENT_COLUMNS,
  equity_points: EQUITY_POINT_COLUMNS,
  outcomes: OUTCOME_COLUMNS,
};
const FEATURE_KEYS = DECISION_COLUMNS.indexOf('feature_keys');

/** Version 2: tables as value rows; `keys` the feature key lists decisions point into. */
interface Encoded {
  v: 2;
  keys: string[][];
  /** 'derived': each signal is its decision's (signalOfDecision), in decision order. */
  signals?: unknown[][] | 'derived';
  [table: string]: unknown;
}

function signalsDerived(decisions: DecisionRow[] = [], signals: SignalRow[] = []): boolean {
  if (signals.length !== decisions.length) return false;
  return signals.every((s, i) => {
    const own = signalOfDecision(decisions[i] as DecisionRow);
    return SIGNAL_COLUMNS.every((c) => s[c] === own[c]);
  });
}

export function encodeOutboxRows(rows: LedgerRows): string {
  const out: Encoded = { v: 2, keys: [] };
  const keyIndex = new Map<string, number>();
  const derived = signalsDerived(rows.decisions, rows.signals);
  for (const table of Object.keys(COLUMNS) as WritableTable[]) {
    const list = rows[table] as Record<string, unknown>[] | undefined;
    if (!list?.length) continue;
    if (table === 'signals' && derived) {
      out.signals = 'derived';
      continue;
    }
    const columns = COLUMNS[table];
    out[table] = list.map((row) => {
      const values = columns.map((c) => row[c]);
      if (table === 'decisions') {
        const keys = row.feature_keys as string[];
        const id = keys.join('\n');
        let index = keyIndex.get(id);
        if (index === undefined) {
          index = out.keys.push(keys) - 1;
          keyIndex.set(id, index);
        }
        values[FEATURE_KEYS] = index;
      }
      return values;
    });
  }
  return JSON.stringify(out);
}

export function decodeOutboxRows(text: string): LedgerRows {
  const parsed = JSON.parse(text) as Encoded | LedgerRows;
  if (!('v' in parsed)) return parsed; // rows as objects: an entry from before version 2
  if (parsed.v !== 2) throw new Error(`outbox entry: format version ${parsed.v} is not 2`);
  const rows: LedgerRows = {};
  for (const table of Object.keys(COLUMNS) as WritableTable[]) {
    const list = parsed[table];
    if (!Array.isArray(list)) continue;
    const columns = COLUMNS[table];
    (rows as Record<string, unknown[]>)[table] = (list as unknown[][]).map((values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) row[columns[i] as string] = values[i];
      if (table === 'decisions') row.feature_keys = parsed.keys[values[FEATURE_KEYS] as number];
      return row;
    });
  }
  if (parsed.signals === 'derived') rows.signals = (rows.decisions ?? []).map(signalOfDecision);
  return rows;
}
