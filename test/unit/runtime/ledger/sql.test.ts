import { ClickHouseError as ClientError } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { classifyInsertFailure } from '../../../../runtime/src/ledger/insert-failure.ts';
import { sqlIdentifier, sqlNumber, sqlString } from '../../../../runtime/src/ledger/sql.ts';

describe('sqlString', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ["'; DROP TABLE decisions; --", "'\\'; DROP TABLE decisions; --'"],
    ['line\nbreak\ttab\0nul', "'line\\x0abreak\\x09tab\\x00nul'"],
    ['ünïcødé €', "'ünïcødé €'"],
  ])('quotes %j', (value, literal) => {
    expect(sqlString(value)).toBe(literal);
  });
});

describe('sqlNumber and sqlIdentifier', () => {
  it('writes finite numbers and refuses the rest', () => {
    expect(sqlNumber(1709251200000)).toBe('1709251200000');
    expect(() => sqlNumber(Number.NaN)).toThrow(RangeError);
  });

  it.each(['flotilla', 'ledger_test_1', '_x'])('accepts %s', (name) => {
    expect(sqlIdentifier(name)).toBe(name);
  });

  it.each(['', '1abc', 'a-b', 'a.b', 'x; DROP', 'a'.repeat(64)])('refuses %j', (name) => {
    expect(() => sqlIdentifier(name)).toThrow(
      expect.objectContaining({ code: 'FLT_LEDGER_CONFIG' }),
    );
  });
});

describe('classifyInsertFailure', () => {
  const server = (code: string) => new ClientError({ message: 'x', code, type: 'T' });
  it.each([
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'transient',
    ],
    ['a timeout abort', new DOMException('timed out', 'TimeoutError'), 'transient'],
    ['a server that is shutting down (210)', server('210'), 'transient'],
    ['too many parts (252)', server('252'), 'transient'],
    ['an unknown server code', server('999'), 'transient'],
    ['an unknown table (60)', server('60'), 'permanent'],
    ['unparsable rows (27)', server('27'), 'permanent'],
    ['a type mismatch (53)', server('53'), 'permanent'],
    [
      'an unknown table, as 18.16 words it',
      new Error("Code: 60, e.displayText() = DB::Exception: Table db.signals doesn't exist."),
      'permanent',
    ],
    [
      'unparsable rows, as 18.16 words it',
      new Error('Code: 27, e.displayText() = DB::Exception: Cannot parse input'),
      'permanent',
    ],
    [
      'a message that only mentions a code',
      new Error('socket hang up (Code: 60, maybe)'),
      'transient',
    ],
  ])('%s is %s', (_name, err, expected) => {
    expect(classifyInsertFailure(err)).toBe(expected);
  });
});
