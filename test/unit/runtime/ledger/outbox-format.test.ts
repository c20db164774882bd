import { describe, expect, it } from 'vitest';
import type { LedgerRows } from '../../../../runtime/src/ledger/batching.ts';
import {
  decodeOutboxRows,
  encodeOutboxRows,
} from '../../../../runtime/src/ledger/outbox-format.ts';
import { signalOfDecision } from '../../../../runtime/src/ledger/records.ts';
import { decision, generatedLedger, handLedger, signal } from './fixtures.ts';

/** The rows as plain JSON carries them (-0 becomes 0), without empty tables. */
const asJson = (rows: LedgerRows): LedgerRows =>
  JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(rows).filter(([, v]) => v.length))));

/** A batch as the RunnerLedger makes it: one signal per decision, two strategies' key lists. */
function runnerBatch(): LedgerRows {
  const ledger = generatedLedger(7, 12);
  const decisions = Array.from({ length: 40 }, (_, i) =>
    decision({
      id: `${i}`.padStart(32, 'd'),
      strategy: i % 2 ? 'momentum' : 'reversion',
      feature_keys: i % 2 ? ['macd_5_35_5', 'range_50'] : ['ret_1', 'vol_20', 'rsi_14'],
      feature_values: i % 2 ? [0.0005547426688094481, 1] : [0.1 * i, -2.5, Math.PI],
      rule_score: i % 3 ? 0.3997576145957199 : null,
      correlation_id: `c\u0001"é\u{1F600}-${i}`,
    }),
  );
  return { ...ledger, decisions, signals: decisions.map(signalOfDecision) };
}

describe('outbox rows', () => {
  it('decode to exactly the rows encoded, signals rebuilt from their decisions', () => {
    const rows = runnerBatch();
    const text = encodeOutboxRows(rows);
    expect(JSON.parse(text).signals).toBe('derived');
    expect(JSON.parse(text).keys).toHaveLength(2);
    expect(decodeOutboxRows(text)).toEqual(asJson(rows));
  });

  it('keep signals that are not their decisions as written', () => {
    const rows = handLedger();
    const text = encodeOutboxRows(rows);
    expect(JSON.parse(text).signals).not.toBe('derived');
    expect(decodeOutboxRows(text)).toEqual(asJson(rows));

    // One signal off by a field is enough to keep them all.
    const decisions = [decision({ id: 'a' }), decision({ id: 'b' })];
    const signals = [signalOfDecision(decisions[0] as never), signal({ id: 'b', units: 9 })];
    const mixed = decodeOutboxRows(encodeOutboxRows({ decisions, signals }));
    expect(mixed).toEqual({ decisions, signals });
  });

  it('leave out empty tables, and decode an entry written as JSON objects (before v2)', () => {
    expect(decodeOutboxRows(encodeOutboxRows({ decisions: [], fills: [] }))).toEqual({});
    const old = handLedger();
    expect(decodeOutboxRows(JSON.stringify(old))).toEqual(old);
    expect(() => decodeOutboxRows('{"v":3,"keys":[]}')).toThrow('format version 3 is not 2');
  });

  it('take at most 60% of the bytes of the rows as JSON objects', () => {
    const rows = runnerBatch();
    const ratio = encodeOutboxRows(rows).length / JSON.stringify(rows).length;
    expect(ratio).toBeLessThan(0.6);
  });

  it('refuse what is not rows, naming what is wrong', () => {
    const v2 = (body: object) => JSON.stringify({ v: 2, keys: [['ret_1']], ...body });
    const cases: [string, string][] = [
      ['not json', 'JSON'],
      ['[1,2]', 'rows must be a JSON object'],
      ['null', 'rows must be a JSON object'],
      ['{"trades":[]}', 'trades is not a ledger table'],
      ['{"fills":[1]}', 'fills must be an array of row objects'],
      [v2({ fills: {} }), 'fills must be an array of rows'],
      [v2({ fills: [[1, 2]] }), 'fills[0] must be an array of'],
      [JSON.stringify({ v: 2 }), 'keys must be an array'],
    ];
    for (const [text, message] of cases) expect(() => decodeOutboxRows(text)).toThrow(message);
    // A decision pointing past the key lists.
    const one = JSON.parse(encodeOutboxRows({ decisions: [decision({ id: 'a' })] }));
    one.keys = [];
    expect(() => decodeOutboxRows(JSON.stringify(one))).toThrow(
      'decisions[0].feature_keys is not an index into keys',
    );
  });
});
