import { describe, expect, it } from 'vitest';
import { formatCount, formatMoney, textTable } from '../../../cli/local-up/text-table.ts';

describe('textTable', () => {
  it('pads each column to its widest cell, text left and numbers right', () => {
    const lines = textTable(
      [
        { header: 'name', cell: (r: { n: string; v: number }) => r.n, align: 'left' },
        { header: 'v', cell: (r) => String(r.v) },
      ],
      [
        { n: 'a', v: 1000 },
        { n: 'longer', v: 2 },
      ],
    );
    expect(lines).toEqual(['name       v', 'a       1000', 'longer     2']);
  });
});

describe('number formats', () => {
  it.each([
    [0, '0'],
    [12_345.6, '12,346'],
  ])('count %d -> %s', (n, text) => expect(formatCount(n)).toBe(text));
  it.each([
    [0, '0.00'],
    [-1234.5, '-1,234.50'],
    [0.005, '0.01'],
  ])('money %d -> %s', (n, text) => expect(formatMoney(n)).toBe(text));
});
