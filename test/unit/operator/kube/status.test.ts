import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainObject, mergePatch } from '../../../../operator/src/kube/json.ts';
import {
  type Condition,
  metaTime,
  setCondition,
  statusEqual,
} from '../../../../operator/src/kube/status.ts';

const T0 = new Date('2026-01-01T00:00:00.123Z');
const T1 = new Date('2026-01-01T00:05:00Z');

function condition(over: Partial<Condition> = {}): Condition {
  return {
    type: 'Ready',
    status: 'False',
    observedGeneration: 1,
    lastTransitionTime: metaTime(T0),
    reason: 'Pending',
    message: 'waiting',
    ...over,
  };
}

describe('setCondition', () => {
  it('appends a new condition stamped now (whole seconds)', () => {
    const out = setCondition(
      undefined,
      { type: 'Ready', status: 'False', reason: 'Pending', message: 'waiting' },
      1,
      T0,
    );
    expect(out).toEqual([condition()]);
    expect(out[0]?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
  });

  it.each([
    {
      name: 'same status keeps lastTransitionTime, takes the new reason, message and generation',
      update: { status: 'False' as const, reason: 'Waiting', message: 'still' },
      want: condition({ reason: 'Waiting', message: 'still', observedGeneration: 2 }),
    },
    {
      name: 'a flip moves lastTransitionTime',
      update: { status: 'True' as const, reason: 'Ready', message: 'ok' },
      want: condition({
        status: 'True',
        reason: 'Ready',
        message: 'ok',
        observedGeneration: 2,
        lastTransitionTime: metaTime(T1),
      }),
    },
  ])('$name', ({ update, want }) => {
    const degraded = condition({ type: 'Degraded' });
    const before = [condition(), degraded];
    const copy = structuredClone(before);
    const out = setCondition(before, { type: 'Ready', ...update }, 2, T1);
    expect(out).toEqual([want, degraded]);
    expect(before).toEqual(copy);
  });

  it('gives a status equal to the old one when nothing changed (so nothing is written)', () => {
    const before = [condition()];
    const out = setCondition(
      before,
      { type: 'Ready', status: 'False', reason: 'Pending', message: 'waiting' },
      1,
      T1,
    );
    expect(statusEqual({ conditions: before }, { conditions: out })).toBe(true);
  });
});

describe('statusEqual', () => {
  it.each([
    [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, true],
    [{ a: 1, gone: undefined }, { a: 1 }, true],
    [undefined, {}, true],
    [{ a: [1, 2] }, { a: [2, 1] }, false],
    [{ a: { b: 1 } }, { a: { b: '1' } }, false],
    [{ a: 1 }, { a: 1, b: null }, false],
    [{ conditions: [condition()] }, { conditions: [condition({ message: 'x' })] }, false],
  ])('%j vs %j -> %s', (a, b, want) => {
    expect(statusEqual(a, b)).toBe(want);
    expect(statusEqual(b, a)).toBe(want);
  });
});

/** RFC 7386 application, to check the patches mergePatch produces. */
function applyPatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyPatch(out[k], v);
  }
  return out;
}

describe('mergePatch', () => {
  it('sets changed fields, nulls removed ones and replaces arrays whole', () => {
    expect(
      mergePatch(
        { phase: 'A', shard: 1, nested: { x: 1, y: 2 }, list: [1, 2], same: { k: 1 } },
        { phase: 'B', nested: { x: 1 }, list: [1], same: { k: 1 } },
      ),
    ).toEqual({ phase: 'B', shard: null, nested: { y: null }, list: [1] });
  });

  it('turns any status into any other when applied (property)', () => {
    // JSON without nulls: a merge patch cannot express a null value.
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.array(tie('value'), { maxLength: 3 }),
        tie('object'),
      ),
      object: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('value'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(json.object, json.object, (from, to) => {
        expect(applyPatch(from, mergePatch(from, to))).toEqual(to);
      }),
    );
  });
});
