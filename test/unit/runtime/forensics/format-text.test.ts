import { describe, expect, it } from 'vitest';
import { compareScores, RELATIVE_TOLERANCE } from '../../../../runtime/src/forensics/compare.ts';
import type { DecisionExplanation } from '../../../../runtime/src/forensics/explain.ts';
import {
  formatExplanation,
  mismatchSummary,
} from '../../../../runtime/src/forensics/format-text.ts';
import { decision } from '../ledger/fixtures.ts';

const DIGEST = 'ab'.repeat(32);

function explanation(storedMl: number, rescoredMl: number): DecisionExplanation {
  const d = decision({
    id: '0123456789abcdef0123456789abcdef',
    model_digest: DIGEST,
    feature_keys: ['return_5', 'rsi_14'],
    feature_values: [-0.00078, 0.527],
    rule_score: 0.25,
    ml_score: storedMl,
    final_score: 0.5 * storedMl + 0.125,
    blend_weight: 0.5,
    arm: 'champion',
  });
  const final = 0.5 * rescoredMl + 0.125;
  const ml = compareScores(storedMl, rescoredMl);
  const fin = compareScores(d.final_score, final);
  return {
    decision: d,
    model: {
      digest: DIGEST,
      name: 'direction-lr',
      from: 'Model direction-lr in namespace fleet (file:///m.onnx)',
      inputs: ['return_5', 'rsi_14'],
      backend: 'linear',
      score: rescoredMl,
      scores: { linear: rescoredMl, onnx: rescoredMl + 1e-8 },
    },
    rescored: { mlScore: rescoredMl, finalScore: final },
    matches: { ml: ml.match, final: fin.match },
    differences: { ml, final: fin },
    tolerance: { relative: RELATIVE_TOLERANCE },
  };
}

describe('formatExplanation', () => {
  it('shows the record, each feature by name, and a ✓ line per reproduced score', () => {
    const text = formatExplanation(explanation(0.6123, 0.6123));
    expect(text).toContain('decision 0123456789abcdef0123456789abcdef');
    expect(text).toMatch(/strategy +alpha \(generation 3\)/);
    expect(text).toMatch(/instrument +BTC-USD/);
    expect(text).toContain('2024-03-01T00:00:00.000Z');
    expect(text).toMatch(/return_5 +-0\.00078\n +rsi_14 +0\.527/);
    expect(text).toContain('rule 0.25, ml 0.6123, final 0.43115 (blend weight 0.5)');
    expect(text).toMatch(/arm +champion/);
    expect(text).toMatch(/action +long 1/);
    expect(text).toContain('re-scored: ml 0.6123 = 0.6123 ✓ (identical; linear path;');
    expect(text).toContain('re-scored: final 0.43115 = 0.43115 ✓');
    expect(text).toContain('tolerance: relative 1e-9');
    expect(text).not.toContain('✗');
    expect(text.split('\n').every((line) => line === line.trimEnd())).toBe(true);
  });

  it('shows a ✗ line with the exact difference when a score is not reproduced', () => {
    const text = formatExplanation(explanation(0.75, 0.5));
    expect(text).toContain(
      're-scored: ml 0.75 ≠ 0.5 ✗ (stored - re-scored = 0.25, relative 0.3333',
    );
  });
});

describe('mismatchSummary', () => {
  it('is undefined when everything matches', () => {
    expect(mismatchSummary(explanation(0.6, 0.6))).toBeUndefined();
  });

  it('names each score that differs, with both values and the tolerance', () => {
    expect(mismatchSummary(explanation(0.75, 0.5))).toBe(
      'decision 0123456789abcdef0123456789abcdef does not re-score to its stored scores: ' +
        `ml score stored 0.75, re-scored 0.5 (relative difference ${0.25 / 0.75} > 1e-9); ` +
        `final score stored 0.5, re-scored 0.375 (relative difference ${0.125 / 0.5} > 1e-9)`,
    );
  });
});
