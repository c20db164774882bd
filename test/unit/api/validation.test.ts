import { describe, expect, it } from 'vitest';
import { describeErrors, validateManifest } from '../../../operator/src/api/validation/validate.ts';
import { badSpecs } from '../../fixtures/bad-specs.ts';
import { circuitBreaker, experiment, model, strategy } from '../../fixtures/objects.ts';

describe('validateManifest', () => {
  it.each(badSpecs)('rejects %s', (_name, obj, path, words) => {
    const { errors } = validateManifest(obj);
    const lines = describeErrors(errors);
    expect(errors.length, `expected an error, got none`).toBeGreaterThan(0);
    expect(
      errors.find((e) => e.path === path),
      lines,
    ).toBeDefined();
    expect(errors.find((e) => e.path === path)?.message, lines).toContain(words);
  });

  it.each([
    ['Strategy', strategy()],
    ['Model', model()],
    ['Experiment', experiment()],
    ['CircuitBreaker', circuitBreaker()],
  ])('accepts a valid %s and fills in its defaults', (_kind, obj) => {
    const { errors, value } = validateManifest(obj);
    expect(describeErrors(errors)).toBe('');
    expect(Object.keys(value.spec as object).length).toBeGreaterThan(Object.keys(obj.spec).length);
  });

  it('fills nested defaults the way the API server does', () => {
    const { value } = validateManifest(strategy());
    expect(value.spec).toMatchObject({
      priority: 'normal',
      paused: false,
      warmupTicks: 0,
      budget: { computePerSecond: '50ms' },
      decision: {
        threshold: 0.6,
        blendWeight: 0.5,
        direction: 'both',
        sizing: { mode: 'fixed', units: 1, maxPositionUnits: 10 },
      },
      rules: { bias: 0 },
    });
  });

  it('does not change its input', () => {
    const obj = strategy();
    const before = structuredClone(obj);
    validateManifest(obj);
    expect(obj).toEqual(before);
  });

  it('reports every problem of one object at once', () => {
    const { errors } = validateManifest(
      experiment((s) => {
        s.trafficPercent = 140;
        s.challenger.modelRef.name = 'direction-lr';
        s.mode = 'bandit';
      }),
    );
    expect([...new Set(errors.map((e) => e.path))].sort()).toEqual([
      'spec.challenger.modelRef.name',
      'spec.mode',
      'spec.trafficPercent',
    ]);
  });

  it.each([
    [
      { ...strategy(), apiVersion: 'flotilla.dev/v1' },
      'apiVersion',
      'is not flotilla.dev/v1alpha1',
    ],
    [
      { ...strategy(), kind: 'Strat' },
      'kind',
      'is not one of: Strategy, Model, Experiment, CircuitBreaker',
    ],
    [
      { ...strategy(), metadata: { name: 'Momentum_BTC' } },
      'metadata.name',
      'is not a DNS-1123 label',
    ],
    [{ ...strategy(), metadata: {} }, 'metadata.name', 'is required'],
    [{ ...strategy(), spec: undefined }, 'spec', 'is required'],
    [{ ...strategy(), extra: 1 }, 'extra', 'unknown field'],
  ])('rejects a bad envelope at %#', (obj, path, words) => {
    const { errors } = validateManifest(obj);
    expect(errors.find((e) => e.path === path)?.message, describeErrors(errors)).toContain(words);
  });
});
