import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../operator/src/api/validation/validate.ts';
import { ValidationError } from '../../../operator/src/errors.ts';
import { experiment, model } from '../../fixtures/objects.ts';

describe('parseManifest', () => {
  it('returns the object with defaults and its kind', () => {
    const parsed = parseManifest(model(), 'Model direction-lr');
    expect(parsed.kind.kind).toBe('Model');
    expect(parsed.value.spec).toMatchObject({
      format: 'onnx',
      outputs: { name: 'probabilities', column: 1 },
    });
  });

  it('throws FLT_INVALID_SPEC naming the subject, every field and its limit', () => {
    const bad = experiment((s) => {
      s.trafficPercent = 140;
      s.stopping = { significance: 0.9 };
    });
    let caught: unknown;
    try {
      parseManifest(bad, 'ConfigMap flotilla-shard-0');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const e = caught as ValidationError;
    expect(e.code).toBe('FLT_INVALID_SPEC');
    expect(e.message).toContain('ConfigMap flotilla-shard-0 is invalid:');
    expect(e.message).toContain('spec.trafficPercent: 140 is above the maximum 100');
    expect(e.message).toContain('spec.stopping.significance: 0.9 is above the maximum 0.5');
    expect(e.errors).toHaveLength(2);
  });
});
