import { describe, expect, it } from 'vitest';
import {
  DAILY_PERFORMANCE_COLUMNS,
  DECISION_COLUMNS,
  decodeRow,
  EQUITY_POINT_COLUMNS,
  FILL_COLUMNS,
  OUTCOME_COLUMNS,
  PNL_EVENT_COLUMNS,
  SIGNAL_COLUMNS,
} from '../../../../runtime/src/ledger/columns.ts';
import type { DecisionRow } from '../../../../runtime/src/ledger/records.ts';
import { decision, equityPoint, fill, HAND_DAILY, outcome, pnlEvent, signal } from './fixtures.ts';

describe('column lists', () => {
  // The builders return every field of the row types, so their keys are the full column sets.
  it.each([
    ['decisions', DECISION_COLUMNS, decision()],
    ['signals', SIGNAL_COLUMNS, signal()],
    ['fills', FILL_COLUMNS, fill()],
    ['pnl_events', PNL_EVENT_COLUMNS, pnlEvent()],
    ['equity_points', EQUITY_POINT_COLUMNS, equityPoint()],
    ['outcomes', OUTCOME_COLUMNS, outcome()],
    ['daily_performance', DAILY_PERFORMANCE_COLUMNS, HAND_DAILY[0]],
  ])('%s lists every field of its row type once', (_table, columns, row) => {
    expect(new Set(columns).size).toBe(columns.length);
    expect([...columns].sort()).toEqual(Object.keys(row ?? {}).sort());
  });
});

describe('decodeRow', () => {
  it('turns quoted 64-bit integers back into numbers and leaves the rest', () => {
    const row = decodeRow<DecisionRow>({
      ...decision(),
      ts_ms: '1709251200000',
      generation: '3',
      entry_id: '1709251200000-0',
    });
    expect(row).toEqual(decision({ entry_id: '1709251200000-0' }));
  });
});
