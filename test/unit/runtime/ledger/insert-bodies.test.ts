import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LedgerRows, WRITABLE_TABLES } from '../../../../runtime/src/ledger/batching.ts';
import {
  appendBodies,
  bodiesOf,
  countBodyRows,
  decodeSpoolPayload,
  encodeSpoolPayload,
  type InsertBodies,
} from '../../../../runtime/src/ledger/insert-bodies.ts';
import { decision, generatedLedger, handLedger, signal } from './fixtures.ts';

/** Each table's body as text, for comparing. */
function texts(bodies: InsertBodies): Record<string, string> {
  const out: Record<string, string> = {};
  for (const table of WRITABLE_TABLES) {
    const body = bodies[table];
    if (body) out[table] = body.bytes().toString('utf8');
  }
  return out;
}

/** What the client's JSONEachRow insert sent for the same rows: one JSON object per line. */
function jsonEachRow(rows: LedgerRows): Record<string, string> {
  const out: Record<string, string> = {};
  for (const table of WRITABLE_TABLES) {
    const list = rows[table];
    if (list?.length) out[table] = list.map((r) => `${JSON.stringify(r)}\n`).join('');
  }
  return out;
}

describe('insert bodies', () => {
  it('are the rows as JSONEachRow, table by table, in the order written', () => {
    const ledger = handLedger();
    const bodies: InsertBodies = {};
    const first = { decisions: ledger.decisions.slice(0, 2), fills: ledger.fills };
    const rest = { ...ledger, decisions: ledger.decisions.slice(2), fills: [] };
    expect(appendBodies(bodies, first)).toBe(2 + ledger.fills.length);
    appendBodies(bodies, rest);
    expect(texts(bodies)).toEqual(jsonEachRow(ledger));
    expect(countBodyRows(bodies)).toBe(Object.values(ledger).reduce((n, l) => n + l.length, 0));
    expect(bodies.decisions?.rows).toBe(ledger.decisions.length);
  });

  it('grow past their first buffer and keep text outside ASCII whole', () => {
    const rows = Array.from({ length: 2_000 }, (_, i) =>
      decision({ id: `d-${i}`, strategy: `é€😀-${i}`, feature_keys: ['ünïcode', 'ret_1'] }),
    );
    const bodies = bodiesOf({ decisions: rows });
    expect(bodies.decisions?.byteLength).toBeGreaterThan(16 * 1024);
    const lines = bodies.decisions?.bytes().toString('utf8').trimEnd().split('\n') ?? [];
    expect(lines.map((l) => JSON.parse(l))).toEqual(rows);
  });

  it('leave out tables without rows', () => {
    expect(bodiesOf({ decisions: [], signals: [signal()] })).toEqual({
      signals: expect.objectContaining({ rows: 1 }),
    });
  });
});

describe('the spool payload of insert bodies', () => {
  it('decodes to the same bodies it was encoded from', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), (seed) => {
        const bodies = bodiesOf(generatedLedger(seed));
        const decoded = decodeSpoolPayload(encodeSpoolPayload(bodies));
        expect(texts(decoded)).toEqual(texts(bodies));
        for (const table of WRITABLE_TABLES)
          expect(decoded[table]?.rows, table).toBe(bodies[table]?.rows);
      }),
      { numRuns: 25 },
    );
  });

  it("reads a batch spooled by an earlier version (the rows as JSON) as that batch's bodies", () => {
    const ledger = handLedger();
    const legacy = Buffer.from(JSON.stringify(ledger), 'utf8');
    expect(texts(decodeSpoolPayload(legacy))).toEqual(jsonEachRow(ledger));
  });

  it('names what is wrong with a payload that is not one', () => {
    const good = encodeSpoolPayload(bodiesOf({ signals: [signal()] }));
    expect(() => decodeSpoolPayload(good.subarray(0, 8))).toThrow(/ends inside a table header/);
    expect(() => decodeSpoolPayload(good.subarray(0, good.length - 1))).toThrow(
      /signals needs \d+ bytes, has \d+/,
    );
    const badTable = Buffer.from(good);
    badTable.writeUInt8(99, 4);
    expect(() => decodeSpoolPayload(badTable)).toThrow(/names table 99/);
    expect(() => decodeSpoolPayload(Buffer.from('[1,2]'))).toThrow(/must be an object of tables/);
    expect(() => decodeSpoolPayload(Buffer.from('{"trades":[]}'))).toThrow(
      /has "trades", not a table of rows/,
    );
    expect(() => decodeSpoolPayload(Buffer.from('not json'))).toThrow(SyntaxError);
  });
});
