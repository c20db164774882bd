import { describe, expect, it } from 'vitest';
import { TickTape } from '../../../../runtime/src/execution/tape.ts';
import type { LedgerRows } from '../../../../runtime/src/ledger/batching.ts';
import {
  decodeOutboxEntry,
  encodeOutboxEntry,
} from '../../../../runtime/src/ledger/outbox-format.ts';
import { signalOfDecision } from '../../../../runtime/src/ledger/records.ts';
import { decision, generatedLedger, handLedger, signal } from './fixtures.ts';

/** The rows of an entry (its tape aside). */
const decodedRows = (text: string) => decodeOutboxEntry(text).rows;

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
    const text = encodeOutboxEntry(rows);
    expect(JSON.parse(text).signals).toBe('derived');
    expect(JSON.parse(text).keys).toHaveLength(2);
    expect(decodedRows(text)).toEqual(asJson(rows));
  });

  it('keep signals that are not their decisions as written', () => {
    const rows = handLedger();
    const text = encodeOutboxEntry(rows);
    expect(JSON.parse(text).signals).not.toBe('derived');
    expect(decodedRows(text)).toEqual(asJson(rows));

    // One signal off by a field is enough to keep them all.
    const decisions = [decision({ id: 'a' }), decision({ id: 'b' })];
    const signals = [signalOfDecision(decisions[0] as never), signal({ id: 'b', units: 9 })];
    const mixed = decodedRows(encodeOutboxEntry({ decisions, signals }));
    expect(mixed).toEqual({ decisions, signals });
  });

  it('leave out empty tables, and decode an entry written as JSON objects (before v2)', () => {
    expect(decodedRows(encodeOutboxEntry({ decisions: [], fills: [] }))).toEqual({});
    const old = handLedger();
    expect(decodedRows(JSON.stringify(old))).toEqual(old);
    expect(() => decodedRows('{"v":4,"keys":[]}')).toThrow('format version 4 is not 2 or 3');
  });

  it("carry the batch's tape, checked against its decisions; version 2 entries have none", () => {
    const decisions = [
      decision({ id: 'a', instrument: 'BTC-USD' }),
      decision({ id: 'b', instrument: 'ETH-USD' }),
    ];
    const tape = new TickTape();
    tape.tick('BTC-USD', 1_000, 100.25, 3);
    tape.decided();
    tape.tick('ETH-USD', 1_001, 2_000.5, 0.5);
    tape.decided();
    const text = encodeOutboxEntry(
      { decisions, signals: decisions.map(signalOfDecision) },
      tape.take(),
    );
    const entry = decodeOutboxEntry(text);
    expect(entry.rows.decisions).toEqual(decisions);
    expect(entry.tape?.instruments).toEqual(['BTC-USD', 'ETH-USD']);
    expect([...(entry.tape?.ticks ?? [])]).toEqual([0, 1_000, 100.25, 3, 1, 1_001, 2_000.5, 0.5]);
    expect(entry.tape?.at).toEqual([0, 1]);

    const v2 = { ...JSON.parse(text), v: 2 };
    expect(decodeOutboxEntry(JSON.stringify(v2))).toEqual({ rows: entry.rows });
    // A tape whose decisions are not the entry's is refused by name.
    const other = { ...JSON.parse(text), decisions: JSON.parse(text).decisions.slice(1) };
    expect(() => decodeOutboxEntry(JSON.stringify(other))).toThrow(
      'outbox entry: tape.at must hold one tick index per decision (1)',
    );
  });

  it('take at most 60% of the bytes of the rows as JSON objects', () => {
    const rows = runnerBatch();
    const ratio = encodeOutboxEntry(rows).length / JSON.stringify(rows).length;
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
    for (const [text, message] of cases) expect(() => decodedRows(text)).toThrow(message);
    // A decision pointing past the key lists.
    const one = JSON.parse(encodeOutboxEntry({ decisions: [decision({ id: 'a' })] }));
    one.keys = [];
    expect(() => decodedRows(JSON.stringify(one))).toThrow(
      'decisions[0].feature_keys is not an index into keys',
    );
  });
});
