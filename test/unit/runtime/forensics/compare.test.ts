import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseBackend,
  compareScores,
  RELATIVE_TOLERANCE,
  relativeDifference,
} from '../../../../runtime/src/forensics/compare.ts';

/** The next double above x (x > 0): what ClickHouse 18.16 sometimes stores instead of x. */
function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}

describe('relativeDifference', () => {
  it.each([
    [0.5, 0.5, 0],
    [0, 0, 0],
    [1, 0.5, 0.5],
    [0.5, 1, 0.5],
    [-1, 1, 2],
    [0, 1e-300, 1],
  ])('(%d, %d) is %d', (a, b, rel) => {
    expect(relativeDifference(a, b)).toBe(rel);
  });
});

describe('compareScores', () => {
  it.each([
    ['equal', 0.6123, 0.6123, true],
    ['both missing (no model score)', null, null, true],
    ['stored only', 0.6, null, false],
    ['re-scored only', null, 0.6, false],
    ['within the tolerance', 0.6, 0.6 * (1 + RELATIVE_TOLERANCE / 2), true],
    ['beyond the tolerance', 0.6, 0.6 * (1 + RELATIVE_TOLERANCE * 2), false],
    ['float32 against float64 of one value', 0.40585756301879883, 0.40585756925935257, false],
  ])('%s', (_name, stored, rescored, match) => {
    expect(compareScores(stored, rescored).match).toBe(match);
  });

  it('reports the exact signed difference and its relative size', () => {
    expect(compareScores(0.75, 0.5)).toEqual({
      stored: 0.75,
      rescored: 0.5,
      difference: 0.25,
      relativeDifference: 0.25 / 0.75,
      match: false,
    });
    expect(compareScores(null, 0.5)).toMatchObject({ difference: null, relativeDifference: null });
  });

  it('accepts a score stored one ulp off, as ClickHouse 18.16 stores some', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1, noNaN: true }), (x) => {
        const c = compareScores(nextUp(x), x);
        expect(c.match).toBe(true);
        expect(c.relativeDifference).toBeLessThan(1e-15);
      }),
    );
  });
});

describe('chooseBackend', () => {
  it.each([
    ['the linear score when it matches', 0.25, { linear: 0.25, onnx: 0.2500001 }, 'linear'],
    ['onnxruntime when only it matches', 0.2500001, { linear: 0.25, onnx: 0.2500001 }, 'onnx'],
    [
      'linear (the small-call path) when neither matches',
      0.9,
      { linear: 0.25, onnx: 0.26 },
      'linear',
    ],
    [
      'onnxruntime for a model without a linear path',
      0.9,
      { linear: undefined, onnx: 0.26 },
      'onnx',
    ],
  ] as const)('%s', (_name, stored, scores, backend) => {
    const chosen = chooseBackend(stored, scores);
    expect(chosen.backend).toBe(backend);
    expect(chosen.score).toBe(backend === 'linear' ? scores.linear : scores.onnx);
  });
});
