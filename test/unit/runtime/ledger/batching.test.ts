import { describe, expect, it } from 'vitest';
import {
  appendRows,
  countRows,
  flushDecision,
  type LedgerRows,
  retryDelayMs,
} from '../../../../runtime/src/ledger/batching.ts';
import { decision, fill, signal } from './fixtures.ts';

const policy = { maxBatchRows: 100, flushIntervalMs: 250 };

describe('flushDecision', () => {
  it.each([
    ['nothing collected', 0, 0, 1_000, { flush: false, waitMs: 0 }],
    ['a fresh row waits the interval', 1, 1_000, 1_000, { flush: false, waitMs: 250 }],
    ['part of the interval gone', 99, 1_000, 1_100, { flush: false, waitMs: 150 }],
    ['the interval is up', 5, 1_000, 1_250, { flush: true }],
    ['long overdue', 5, 1_000, 9_000, { flush: true }],
    ['the size limit, at once', 100, 1_000, 1_000, { flush: true }],
    ['over the size limit', 150, 1_000, 1_001, { flush: true }],
  ])('%s', (_name, rows, oldest, now, expected) => {
    expect(flushDecision(rows, oldest, now, policy)).toEqual(expected);
  });
});

describe('rows', () => {
  it('counts rows over every table', () => {
    expect(countRows({})).toBe(0);
    expect(countRows({ decisions: [decision()], signals: [signal(), signal()], fills: [] })).toBe(
      3,
    );
  });

  it('appends table by table, keeping order and copying the first array', () => {
    const first = [decision({ id: 'a' })];
    const into: LedgerRows = {};
    appendRows(into, { decisions: first });
    appendRows(into, { decisions: [decision({ id: 'b' })], fills: [fill()] });
    expect(into.decisions?.map((d) => d.id)).toEqual(['a', 'b']);
    expect(into.fills).toHaveLength(1);
    expect(first).toHaveLength(1); // the caller's array is not grown
  });
});

describe('retryDelayMs', () => {
  it.each([
    [0, 0],
    [1, 250],
    [2, 500],
    [3, 1_000],
    [5, 4_000],
    [6, 5_000],
    [1_000, 5_000],
  ])('after %i failures waits %i ms', (failures, ms) => {
    expect(retryDelayMs(failures, 250, 5_000)).toBe(ms);
  });
});
