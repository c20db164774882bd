import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimalBytes, parseTsBytes } from '../../../../runtime/src/ingest/tick-bytes.ts';
import { parseDecimal, parseTs } from '../../../../runtime/src/ingest/tick-format.ts';

/** Parses `text` placed in the middle of a buffer, as reply bytes are. */
function inBuffer<T>(text: string, parse: (b: Buffer, s: number, e: number) => T): T {
  const b = Buffer.from(`xx${text}yy`);
  return parse(b, 2, b.length - 2);
}

/** Text that is mostly a number of the tick grammar, with every edge the grammar has. */
const decimalText = fc
  .tuple(
    fc.constantFrom('', '-', '+'),
    fc.stringMatching(/^[0-9]{0,25}$/),
    fc.option(fc.stringMatching(/^\.[0-9]{0,25}$/)),
    fc.option(
      fc.tuple(
        fc.constantFrom('e', 'E'),
        fc.constantFrom('', '+', '-'),
        fc.stringMatching(/^[0-9]{0,4}$/),
      ),
    ),
  )
  .map(([sign, int, frac, exp]) => `${sign}${int}${frac ?? ''}${exp ? exp.join('') : ''}`);

describe('tick values from bytes', () => {
  it.each([
    '101.25',
    '20.819129248494036',
    '3056.076837274012',
    '0.000001',
    '1e-7',
    '1e+21',
    '-0',
    '0e999',
    '1e400',
    '123456789012345678901234567890',
    '9007199254740993',
    '.5',
    '5.',
    '1e',
    '',
    ' 1',
    'NaN',
    'Infinity',
  ])('parses %j exactly as parseDecimal does', (text) => {
    expect(inBuffer(text, parseDecimalBytes)).toBe(parseDecimal(text));
  });

  it('agrees with parseDecimal on any number-like or arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(decimalText, fc.string(), fc.double().map(String)), (text) => {
        expect(inBuffer(text, parseDecimalBytes)).toBe(parseDecimal(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with parseTs on any digits or arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[0-9]{0,18}$/), fc.string()), (text) => {
        expect(inBuffer(text, parseTsBytes)).toBe(parseTs(text));
      }),
      { numRuns: 2_000 },
    );
  });
});
