import { describe, expect, it } from 'vitest';
import {
  decodeTarget,
  encodeTarget,
  FLAT,
  targetFor,
} from '../../../../runtime/src/strategy/target.ts';

const decision = (over: Partial<Parameters<typeof targetFor>[1]> = {}) => ({
  threshold: 0.6,
  blendWeight: 0,
  direction: 'both' as const,
  sizing: { mode: 'fixed' as const, units: 2, maxPositionUnits: 10 },
  ...over,
});

describe('targetFor', () => {
  it.each([
    [0.6, { side: 1, units: 2 }],
    [0.59, FLAT],
    [0.5, FLAT],
    [0.4, { side: -1, units: 2 }],
    [0.41, FLAT],
    [1, { side: 1, units: 2 }],
    [0, { side: -1, units: 2 }],
  ])('score %s with threshold 0.6 -> %o', (score, expected) => {
    expect(targetFor(score, decision())).toEqual(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'guards %s to flat',
    (score) => {
      expect(targetFor(score, decision())).toEqual(FLAT);
    },
  );

  it.each([
    ['long', 0.1, FLAT],
    ['long', 0.9, { side: 1, units: 2 }],
    ['short', 0.9, FLAT],
    ['short', 0.1, { side: -1, units: 2 }],
  ] as const)('direction %s, score %s -> %o', (direction, score, expected) => {
    expect(targetFor(score, decision({ direction }))).toEqual(expected);
  });

  it.each([
    [0.6, 2],
    [0.69, 2],
    [0.7, 2.5],
    [0.8, 3],
    [0.95, 3.5],
    [1, 4],
  ])('confidence sizing at %s -> %s units, in quarter steps', (score, units) => {
    const d = decision({ sizing: { mode: 'confidence', units: 2, maxPositionUnits: 10 } });
    expect(targetFor(score, d)).toEqual({ side: 1, units });
  });

  it('never exceeds maxPositionUnits', () => {
    const d = decision({ sizing: { mode: 'confidence', units: 2, maxPositionUnits: 3 } });
    expect(targetFor(1, d)).toEqual({ side: 1, units: 3 });
  });

  it.each([FLAT, { side: 1, units: 2.5 }, { side: -1, units: 1 }] as const)(
    'round-trips %o through its Redis form',
    (t) => {
      expect(decodeTarget(encodeTarget(t))).toEqual(t);
    },
  );

  it.each([undefined, '', 'sideways:1', 'long:-1', 'long:x'])('reads %s as flat', (text) => {
    expect(decodeTarget(text)).toEqual(FLAT);
  });
});
