import { describe, expect, it } from 'vitest';
import {
  describeNotReady,
  notReadyStrategies,
  type StrategyListItem,
} from '../../../cli/local-up/readiness.ts';

const strategy = (name: string, ready?: { status: string; reason?: string; message?: string }) =>
  ({
    metadata: { name },
    ...(ready ? { status: { conditions: [{ type: 'Ready', ...ready }] } } : {}),
  }) satisfies StrategyListItem;

describe('notReadyStrategies', () => {
  it('is empty when every expected strategy is Ready (others are ignored)', () => {
    const items = [
      strategy('a', { status: 'True' }),
      strategy('b', { status: 'True' }),
      strategy('c'),
    ];
    expect(notReadyStrategies(['a', 'b'], items, new Set(['a', 'b']))).toEqual([]);
  });

  it('names missing, not-Ready and unreported strategies with their reason, by name', () => {
    const items = [
      strategy('c', {
        status: 'False',
        reason: 'WaitingForRunner',
        message: 'no runner reported yet',
      }),
      strategy('b'),
      strategy('d', { status: 'True' }),
      strategy('e', { status: 'True' }),
    ];
    const notReady = notReadyStrategies(['e', 'd', 'c', 'b', 'a'], items, new Set(['d']));
    expect(notReady).toEqual([
      { name: 'a', reason: 'NotFound', message: 'not in the cluster' },
      { name: 'b', reason: 'NoStatus', message: 'the operator has not written a status yet' },
      { name: 'c', reason: 'WaitingForRunner', message: 'no runner reported yet' },
      { name: 'e', reason: 'NotReported', message: 'no runner has reported it to this run yet' },
    ]);
    expect(describeNotReady(notReady)).toBe(
      '  a: NotFound: not in the cluster\n  b: NoStatus: the operator has not written a status yet\n  c: WaitingForRunner: no runner reported yet\n  e: NotReported: no runner has reported it to this run yet',
    );
  });
});
