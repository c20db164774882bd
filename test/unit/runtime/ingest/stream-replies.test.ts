import { describe, expect, it } from 'vitest';
import {
  compareIds,
  toGroupInfo,
  toStreamEntries,
} from '../../../../runtime/src/ingest/stream-replies.ts';

describe('stream replies', () => {
  const entries = [
    ['1-0', ['a', '1']],
    ['2-0', null],
  ];
  it.each([
    ['RESP3 (flattened map)', ['s1', entries, 's2', []]],
    [
      'RESP2 (pairs)',
      [
        ['s1', entries],
        ['s2', []],
      ],
    ],
  ])('reads an XREADGROUP reply in %s form', (_form, raw) => {
    expect(toStreamEntries(raw)).toEqual(
      new Map([
        [
          's1',
          [
            { id: '1-0', fields: ['a', '1'] },
            { id: '2-0', fields: null },
          ],
        ],
        ['s2', []],
      ]),
    );
  });

  it('reads an empty reply', () => {
    expect(toStreamEntries(null).size).toBe(0);
  });

  it('finds one group in XINFO GROUPS', () => {
    const raw = [
      ['name', 'g1', 'lag', 3],
      ['name', 'g2', 'last-delivered-id', '5-1', 'lag', 0],
    ];
    expect(toGroupInfo(raw, 'g2')?.get('last-delivered-id')).toBe('5-1');
    expect(toGroupInfo(raw, 'g3')).toBeUndefined();
  });

  it.each([
    ['1-0', '1-0', 0],
    ['1-1', '1-0', 1],
    ['2-0', '10-0', -1],
    ['10-0', '9-99', 1],
  ])('compares %s with %s', (a, b, sign) => {
    expect(Math.sign(compareIds(a, b))).toBe(sign);
  });
});
