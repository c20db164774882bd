import { describe, expect, it } from 'vitest';
import {
  APPLIED_HASH_ANNOTATION,
  applyDecision,
  desiredHash,
  firstDifference,
} from '../../../../operator/src/kube/apply-decision.ts';

function desired(data: Record<string, string> = { mode: 'live' }) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'shard-0', namespace: 'ns', labels: { app: 'flotilla' } },
    data,
  };
}

/** What the API server returns after applying `d`: our fields plus its own. */
function live(d: ReturnType<typeof desired>, edit: (o: any) => void = () => {}) {
  const o: any = structuredClone(d);
  o.metadata.annotations = { [APPLIED_HASH_ANNOTATION]: desiredHash(d) };
  o.metadata.uid = 'u-1';
  o.metadata.resourceVersion = '42';
  o.metadata.managedFields = [{ manager: 'flotilla-operator' }];
  edit(o);
  return o;
}

describe('applyDecision', () => {
  it.each([
    { name: 'missing object', live: undefined, want: { apply: true, reason: 'missing' } },
    { name: 'converged object', live: live(desired()), want: { apply: false } },
    {
      name: 'server defaults and extra labels',
      live: live(desired(), (o) => {
        o.metadata.labels.extra = 'x';
        o.immutable = false;
      }),
      want: { apply: false },
    },
    {
      name: 'applied from another desired state',
      live: live(desired({ mode: 'paper' })),
      want: { apply: true, reason: 'changed' },
    },
    {
      name: 'written by someone else (no hash)',
      live: live(desired(), (o) => delete o.metadata.annotations),
      want: { apply: true, reason: 'changed' },
    },
    {
      name: 'hand edit of a field we own',
      live: live(desired(), (o) => (o.data.mode = 'paper')),
      want: { apply: true, reason: 'drifted', path: 'data.mode' },
    },
    {
      name: 'hand removal of a label we own',
      live: live(desired(), (o) => delete o.metadata.labels.app),
      want: { apply: true, reason: 'drifted', path: 'metadata.labels.app' },
    },
  ])('$name', ({ live, want }) => {
    expect(applyDecision(desired(), live)).toMatchObject(want);
  });

  it('hashes independently of key order and of the hash annotation itself', () => {
    const a = { kind: 'X', apiVersion: 'v1', metadata: { name: 'n' }, spec: { b: 1, a: 2 } };
    const b = {
      apiVersion: 'v1',
      metadata: { annotations: { [APPLIED_HASH_ANNOTATION]: 'old' }, name: 'n' },
      spec: { a: 2, b: 1 },
      kind: 'X',
    };
    expect(desiredHash(a)).toBe(desiredHash(b));
    const changed = { ...a, spec: { a: 2, b: 2 } };
    expect(desiredHash(a)).not.toBe(desiredHash(changed));
  });
});

describe('firstDifference (desired must be a subset of live)', () => {
  it.each([
    [{ a: 1 }, { a: 1, b: 2 }, undefined],
    [{ a: [] }, {}, undefined],
    [{ a: {}, b: false, c: 0, d: '' }, {}, undefined],
    [{ a: [{ x: 1 }] }, { a: [{ x: 1, defaulted: true }] }, undefined],
    [{ a: [{ x: 1 }] }, { a: [{ x: 1 }, { x: 2 }] }, 'a'],
    [{ a: [{ x: 1 }, { x: 2 }] }, { a: [{ x: 1 }, { x: 3 }] }, 'a[1].x'],
    [{ a: { b: 'x' } }, { a: 'x' }, 'a'],
    [{ a: 1 }, { a: '1' }, 'a'],
    [{ a: true }, {}, 'a'],
  ])('%j in %j -> %s', (d, l, want) => {
    expect(firstDifference(d, l)).toBe(want);
  });
});
