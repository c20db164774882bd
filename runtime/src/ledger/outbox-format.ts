// One outbox entry (pure): the ledger rows of one batch as they travel through the outbox stream,
// and the batch's tape (execution/tape.ts) that the ledger's thread replays through the paper
// broker. Each table goes as rows of values in its column order (columns.ts) instead of objects;
// the feature key lists, the same for every decision of a strategy, go once per entry; and
// signals, when each is its decision's (the RunnerLedger makes exactly one per decision), are
// left out and rebuilt on decoding (every signal row is still inserted). That is about half the
// bytes of the rows as JSON objects, and the commit costs Redis by the byte: 30 KB of rows in its
// script take it 68 us, against 2 us without rows (bench/README.md). Entries written by earlier
// versions (rows as JSON objects; version 2, with the broker's rows and no tape) still decode.

import { decodeTape, type EncodedTape, type Tape } from '../execution/tape.ts';
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

/**
 * Version 3: tables as value rows; `keys` the feature key lists decisions point into; `tape` the
 * batch's ticks and decisions for the broker. Version 2 is the same without a tape.
 */
interface Encoded {
  v: 2 | 3;
  keys: string[][];
  /** 'derived': each signal is its decision's (signalOfDecision), in decision order. */
  signals?: unknown[][] | 'derived';
  tape?: EncodedTape;
  [table: string]: unknown;
}

/** A decoded entry: its rows, and its tape (none before version 3, or for a batch without ticks). */
export interface OutboxEntry {
  rows: LedgerRows;
  tape?: Tape;
}

function signalsDerived(decisions: DecisionRow[] = [], signals: SignalRow[] = []): boolean {
  if (signals.length !== decisions.length) return false;
  return signals.every((s, i) => {
    const own = signalOfDecision(decisions[i] as DecisionRow);
    return SIGNAL_COLUMNS.every((c) => s[c] === own[c]);
  });
}

export function encodeOutboxEntry(rows: LedgerRows, tape?: EncodedTape): string {
  const out: Encoded = { v: 3, keys: [] };
  const keyIndex = new Map<string, number>();
  // Decisions of one strategy share its key list: found by identity without joining it.
  const keyIndexOf = new Map<readonly string[], number>();
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
        const keys = row.feature_keys as readonly string[];
        let index = keyIndexOf.get(keys);
        if (index === undefined) {
          const id = keys.join('\n');
          index = keyIndex.get(id) ?? out.keys.push([...keys]) - 1;
          keyIndex.set(id, index);
          keyIndexOf.set(keys, index);
        }
        values[FEATURE_KEYS] = index;
      }
      return values;
    });
  }
  if (tape) out.tape = tape;
  return JSON.stringify(out);
}

/** An outbox entry's rows and tape; throws an Error naming what is wrong when it is not one. */
export function decodeOutboxEntry(text: string): OutboxEntry {
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('outbox entry: rows must be a JSON object');
  if (!('v' in parsed)) return { rows: checkedObjectRows(parsed) }; // from before version 2
  const encoded = parsed as Encoded;
  if (encoded.v !== 2 && encoded.v !== 3)
    throw new Error(`outbox entry: format version ${encoded.v} is not 2 or 3`);
  if (!Array.isArray(encoded.keys)) throw new Error('outbox entry: keys must be an array');
  const rows: LedgerRows = {};
  for (const table of Object.keys(COLUMNS) as WritableTable[]) {
    const list = encoded[table];
    if (list === undefined || (table === 'signals' && list === 'derived')) continue;
    if (!Array.isArray(list)) throw new Error(`outbox entry: ${table} must be an array of rows`);
    const columns = COLUMNS[table];
    (rows as Record<string, unknown[]>)[table] = list.map((values: unknown, r) => {
      if (!Array.isArray(values) || values.length !== columns.length)
        throw new Error(
          `outbox entry: ${table}[${r}] must be an array of ${columns.length} values (its columns)`,
        );
      const row: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) row[columns[i] as string] = values[i];
      if (table === 'decisions') {
        const keys = encoded.keys[values[FEATURE_KEYS] as number];
        if (!Array.isArray(keys))
          throw new Error(`outbox entry: decisions[${r}].feature_keys is not an index into keys`);
        row.feature_keys = keys;
      }
      return row;
    });
  }
  if (encoded.signals === 'derived') rows.signals = (rows.decisions ?? []).map(signalOfDecision);
  if (encoded.v === 2 || encoded.tape === undefined) return { rows };
  try {
    return { rows, tape: decodeTape(encoded.tape, rows.decisions ?? []) };
  } catch (err) {
    throw new Error(`outbox entry: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Version 1 (rows as JSON objects): known tables only, each an array of objects. */
function checkedObjectRows(parsed: object): LedgerRows {
  for (const [table, list] of Object.entries(parsed)) {
    if (!Object.hasOwn(COLUMNS, table))
      throw new Error(`outbox entry: ${table} is not a ledger table`);
    if (
      !Array.isArray(list) ||
      !list.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))
    )
      throw new Error(`outbox entry: ${table} must be an array of row objects`);
  }
  return parsed as LedgerRows;
}
