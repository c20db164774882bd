import { describe, expect, it } from 'vitest';
import { blendScores, logistic, ruleScore } from '../../../../runtime/src/strategy/scores.ts';

describe('scores', () => {
  it('rule score is the logistic of bias plus weighted features read through slots', () => {
    const values = Float64Array.from([9, 0.5, -2]);
    const score = ruleScore(0.1, Float64Array.from([2, 1]), Int32Array.from([1, 2]), values);
    expect(score).toBeCloseTo(logistic(0.1 + 2 * 0.5 + 1 * -2), 15);
  });

  it.each([
    [0.2, 0.8, 0.5, 0.5],
    [0.2, 0.8, 1, 0.8],
    [0.2, 0.8, 0, 0.2],
    [0.2, Number.NaN, 0.5, 0.2],
    [Number.NaN, 0.8, 0.5, 0.8],
  ])('blend(rule %s, model %s, weight %s) = %s', (rule, model, w, expected) => {
    expect(blendScores(rule, model, w)).toBeCloseTo(expected, 12);
  });
});
