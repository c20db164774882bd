import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeTick,
  encodeTick,
  instrumentProblem,
  MAX_CID_LENGTH,
  MAX_TS,
  TICK_STREAM_PREFIX,
  type Tick,
  tickStream,
} from '../../../../runtime/src/ingest/tick-format.ts';

/** A valid entry's fields with some replaced (undefined drops the field). */
function fields(overrides: Record<string, string | undefined> = {}): string[] {
  const base: Record<string, string | undefined> = {
    ts: '1767225600000',
    price: '101.25',
    volume: '3',
    ...overrides,
  };
  return Object.entries(base).flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
}

describe('instruments and streams', () => {
  it.each(['BTC-USD', 'ES.Z26', 'A', '7203_T', 'X'.repeat(32)])('%s is valid', (name) => {
    expect(instrumentProblem(name)).toBeUndefined();
    expect(tickStream(name)).toBe(`${TICK_STREAM_PREFIX}${name}`);
  });

  it.each([
    ['', 'must not be empty'],
    ['btc-usd', 'does not match'],
    ['-BTC', 'does not match'],
    ['.A', 'does not match'],
    ['BTC USD', 'does not match'],
    ['BTC:USD', 'does not match'],
    ['X'.repeat(33), '33 characters, above the maximum 32'],
  ])('%j is rejected: %s', (name, message) => {
    expect(instrumentProblem(name)).toContain(message);
    expect(() => tickStream(name)).toThrow(RangeError);
  });
});

describe('encodeTick', () => {
  it.each<[Tick, string[]]>([
    [
      { ts: 1767225600000, price: 101.25, volume: 3 },
      ['ts', '1767225600000', 'price', '101.25', 'volume', '3'],
    ],
    [
      { ts: 0, price: 0.000001, volume: 0, cid: 'BTC-USD-0' },
      ['ts', '0', 'price', '0.000001', 'volume', '0', 'cid', 'BTC-USD-0'],
    ],
    [{ ts: 5, price: 1e-7, volume: 1e21 }, ['ts', '5', 'price', '1e-7', 'volume', '1e+21']],
  ])('%j -> %j', (tick, expected) => {
    expect(encodeTick(tick)).toEqual(expected);
  });

  it.each<[Tick, string]>([
    [{ ts: 1.5, price: 1, volume: 1 }, 'ts'],
    [{ ts: -1, price: 1, volume: 1 }, 'ts'],
    [{ ts: MAX_TS + 1, price: 1, volume: 1 }, 'ts'],
    [{ ts: 1, price: 0, volume: 1 }, 'price'],
    [{ ts: 1, price: Number.NaN, volume: 1 }, 'price'],
    [{ ts: 1, price: Number.POSITIVE_INFINITY, volume: 1 }, 'price'],
    [{ ts: 1, price: 1, volume: -0.5 }, 'volume'],
    [{ ts: 1, price: 1, volume: Number.NaN }, 'volume'],
    [{ ts: 1, price: 1, volume: 1, cid: 'c'.repeat(MAX_CID_LENGTH + 1) }, 'cid'],
  ])('refuses %j (%s)', (tick, field) => {
    expect(() => encodeTick(tick)).toThrow(new RegExp(`^${field}: `));
  });

  it('round-trips every valid tick exactly through decodeTick', () => {
    const tick = fc.record(
      {
        ts: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).filter((n) => n <= MAX_TS),
        price: fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }),
        volume: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
        cid: fc.string({ maxLength: MAX_CID_LENGTH }),
      },
      { requiredKeys: ['ts', 'price', 'volume'] },
    );
    fc.assert(
      fc.property(tick, (t) => {
        const decoded = decodeTick(encodeTick(t));
        // -0 volume decodes as 0; everything else exactly as given.
        expect(decoded).toEqual({ ok: true, tick: { ...t, volume: t.volume + 0 } });
      }),
    );
  });
});

describe('decodeTick', () => {
  it.each<[string, string[], Tick]>([
    ['plain', fields(), { ts: 1767225600000, price: 101.25, volume: 3 }],
    [
      'with cid',
      fields({ cid: 'abc' }),
      { ts: 1767225600000, price: 101.25, volume: 3, cid: 'abc' },
    ],
    ['empty cid', fields({ cid: '' }), { ts: 1767225600000, price: 101.25, volume: 3, cid: '' }],
    [
      'any field order, unknown fields ignored',
      ['venue', 'X', 'volume', '0', 'price', '2', 'ts', '0'],
      { ts: 0, price: 2, volume: 0 },
    ],
    [
      'exponent',
      fields({ price: '1.5e3', volume: '2E-2' }),
      { ts: 1767225600000, price: 1500, volume: 0.02 },
    ],
    ['leading zeros', fields({ ts: '007', price: '0.5' }), { ts: 7, price: 0.5, volume: 3 }],
    ['largest ts', fields({ ts: String(MAX_TS) }), { ts: MAX_TS, price: 101.25, volume: 3 }],
    ['"-0" volume is 0', fields({ volume: '-0' }), { ts: 1767225600000, price: 101.25, volume: 0 }],
    [
      'longest cid',
      fields({ cid: 'c'.repeat(128) }),
      { ts: 1767225600000, price: 101.25, volume: 3, cid: 'c'.repeat(128) },
    ],
  ])('accepts %s', (_, f, tick) => {
    const decoded = decodeTick(f);
    expect(decoded).toEqual({ ok: true, tick });
    if (decoded.ok) expect(Object.is(decoded.tick.volume, -0)).toBe(false);
  });

  it.each<[string, string[], string, string]>([
    ['odd item count', ['ts', '1', 'price'], 'malformed', 'entry has 3 items'],
    ['no ts', fields({ ts: undefined }), 'missing_field', 'ts: missing'],
    ['no price', fields({ price: undefined }), 'missing_field', 'price: missing'],
    ['no volume', fields({ volume: undefined }), 'missing_field', 'volume: missing'],
    ['empty entry', [], 'missing_field', 'ts: missing'],
    ['ts twice', [...fields(), 'ts', '2'], 'duplicate_field', 'ts: given more than once'],
    [
      'cid twice',
      [...fields({ cid: 'a' }), 'cid', 'b'],
      'duplicate_field',
      'cid: given more than once',
    ],
    ['decimal ts', fields({ ts: '1.5' }), 'bad_ts', 'ts: "1.5" is not an integer number of ms'],
    ['negative ts', fields({ ts: '-1' }), 'bad_ts', 'between 0 and 8640000000000000'],
    ['empty ts', fields({ ts: '' }), 'bad_ts', 'ts: ""'],
    ['ts past MAX_TS', fields({ ts: String(MAX_TS + 1) }), 'bad_ts', 'ts: '],
    ['17-digit ts', fields({ ts: '1'.repeat(17) }), 'bad_ts', 'ts: '],
    ['ts with space', fields({ ts: ' 1' }), 'bad_ts', 'ts: '],
    ['zero price', fields({ price: '0' }), 'bad_price', 'price: 0 must be finite and above 0'],
    [
      'negative price',
      fields({ price: '-2.5' }),
      'bad_price',
      'price: -2.5 must be finite and above 0',
    ],
    ['overflowing price', fields({ price: '1e400' }), 'bad_price', 'price: 1e400 must be finite'],
    ['text price', fields({ price: 'abc' }), 'bad_price', 'price: "abc" is not a decimal number'],
    ['empty price', fields({ price: '' }), 'bad_price', 'is not a decimal number'],
    ['Infinity price', fields({ price: 'Infinity' }), 'bad_price', 'is not a decimal number'],
    ['NaN price', fields({ price: 'NaN' }), 'bad_price', 'is not a decimal number'],
    ['hex price', fields({ price: '0x10' }), 'bad_price', 'is not a decimal number'],
    ['price "1."', fields({ price: '1.' }), 'bad_price', 'is not a decimal number'],
    ['price ".5"', fields({ price: '.5' }), 'bad_price', 'is not a decimal number'],
    ['price "1e"', fields({ price: '1e' }), 'bad_price', 'is not a decimal number'],
    ['price with spaces', fields({ price: ' 1 ' }), 'bad_price', 'is not a decimal number'],
    ['price with comma', fields({ price: '1,5' }), 'bad_price', 'is not a decimal number'],
    [
      'negative volume',
      fields({ volume: '-1' }),
      'bad_volume',
      'volume: -1 must be finite and at least 0',
    ],
    [
      'text volume',
      fields({ volume: 'lots' }),
      'bad_volume',
      'volume: "lots" is not a decimal number',
    ],
    [
      'cid too long',
      fields({ cid: 'c'.repeat(129) }),
      'cid_too_long',
      'cid: 129 characters is above the maximum 128',
    ],
  ])('rejects %s', (_, f, reason, message) => {
    const decoded = decodeTick(f);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toBe(reason);
    expect(decoded.message).toContain(message);
  });

  it('cuts long values in messages', () => {
    const decoded = decodeTick(fields({ price: 'x'.repeat(10_000) }));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.message.length).toBeLessThan(100);
  });
});
