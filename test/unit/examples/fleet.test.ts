import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateFleet } from '../../../operator/src/api/fleet.ts';
import { readManifests } from '../../../operator/src/api/manifests.ts';
import { describeErrors, validateManifest } from '../../../operator/src/api/validation/validate.ts';

const docs = readManifests([join(import.meta.dirname, '../../../examples')]);
const flotilla = docs.filter((d) =>
  String((d.object as { apiVersion?: string }).apiVersion).startsWith('flotilla.dev/'),
);
const byKind = (kind: string) =>
  flotilla.map((d) => d.object as { kind: string; spec: any }).filter((o) => o.kind === kind);

describe('examples', () => {
  it.each(flotilla.map((d) => [d.source, d.object]))('%s is valid', (_source, object) => {
    expect(describeErrors(validateManifest(object).errors)).toBe('');
  });

  it('form a consistent fleet: every reference resolves and every model input is declared', () => {
    const report = validateFleet(docs);
    expect(report.references).toEqual([]);
    expect(report.documents.every((d) => d.errors.length === 0)).toBe(true);
  });

  it('make a realistic fleet: >= 6 strategies on >= 4 instruments, a linear and a tree model, an experiment, 2 breakers', () => {
    const strategies = byKind('Strategy');
    expect(strategies.length).toBeGreaterThanOrEqual(6);
    expect(new Set(strategies.flatMap((s) => s.spec.instruments)).size).toBeGreaterThanOrEqual(4);
    expect(
      byKind('Model')
        .map((m) => m.spec.provenance?.algorithm)
        .sort(),
    ).toEqual(['gradientBoostedTrees', 'logisticRegression']);
    expect(byKind('Experiment')).toHaveLength(1);
    expect(byKind('CircuitBreaker')).toHaveLength(2);
    expect(new Set(strategies.map((s) => s.spec.priority ?? 'normal'))).toEqual(
      new Set(['critical', 'normal', 'background']),
    );
    expect(strategies.some((s) => !s.spec.modelRef)).toBe(true);
  });
});
