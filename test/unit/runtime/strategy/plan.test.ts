import { describe, expect, it } from 'vitest';
import { planConfig } from '../../../../runtime/src/strategy/plan.ts';
import { shardStrategy } from '../../../fixtures/shard.ts';

describe('planConfig', () => {
  it('sorts strategies into added, removed and changed; identical ones are left alone', () => {
    const current = new Map(
      ['keep', 'drop', 'tune'].map((n) => [n, { config: shardStrategy(n) }] as const),
    );
    const next = [
      shardStrategy('keep'),
      shardStrategy('tune', { warmupTicks: 50 }),
      shardStrategy('new'),
    ];
    expect(planConfig(current, next)).toEqual({
      added: ['new'],
      removed: ['drop'],
      changed: ['tune'],
    });
  });
});
