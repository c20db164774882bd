import { describe, expect, it } from 'vitest';
import type { ShardStrategy } from '../../../../operator/src/api/shard/shard-config.ts';
import { CompiledStrategy, newMember } from '../../../../runtime/src/strategy/compiled-strategy.ts';
import { BUDGET_DROP, Gate, gateOf, Lineup } from '../../../../runtime/src/strategy/lineup.ts';
import type { ShedLevel } from '../../../../runtime/src/strategy/overload.ts';
import { shardStrategy } from '../../../fixtures/shard.ts';

const NOW = 10_000;

function strategy(over: Partial<ShardStrategy> = {}, quarantinedUntil = 0): CompiledStrategy {
  const s = new CompiledStrategy(shardStrategy('s', over));
  s.quarantine.until = quarantinedUntil;
  return s;
}

describe('lineup gates', () => {
  it.each<[string, CompiledStrategy, ShedLevel, number]>([
    ['running', strategy(), 0, Gate.evaluate],
    ['paused (even when quarantined)', strategy({ paused: true }, NOW + 1), 0, Gate.skip],
    ['quarantined', strategy({}, NOW + 1), 0, Gate.quarantined],
    ['quarantine over', strategy({}, NOW), 0, Gate.evaluate],
    [
      'quarantined under overload',
      strategy({ priority: 'background' }, NOW + 1),
      2,
      Gate.quarantined,
    ],
    ['background at level 1', strategy({ priority: 'background' }), 1, Gate.overload],
    ['normal at level 1', strategy({ priority: 'normal' }), 1, Gate.evaluate],
    ['normal at level 2', strategy({ priority: 'normal' }), 2, Gate.overload],
    ['critical at level 2', strategy({ priority: 'critical' }), 2, Gate.evaluate],
  ])('%s', (_name, s, level, gate) => {
    expect(gateOf(s, NOW, level)).toBe(gate);
  });

  it('folds drops per reason and priority into the result and the strategy counters', () => {
    const lineup = new Lineup();
    const background = strategy({ priority: 'background' });
    const normal = strategy({ priority: 'normal' });
    for (const s of [background, normal])
      lineup.members.push(newMember(s, s, 'BTC-USD', new Int32Array([0, 1]), 21));
    lineup.prepare(NOW, 1);
    expect([...lineup.gates]).toEqual([Gate.overload, Gate.evaluate]);
    lineup.drop(0, Gate.overload - Gate.quarantined);
    lineup.drop(0, Gate.overload - Gate.quarantined);
    lineup.drop(1, BUDGET_DROP);
    const out = new Map([['overload/background', 5]]);
    lineup.foldDrops(out);
    expect(out).toEqual(
      new Map([
        ['overload/background', 7],
        ['budget/normal', 1],
      ]),
    );
    expect([background.counters.drops, normal.counters.drops]).toEqual([2, 1]);
    lineup.prepare(NOW, 0);
    lineup.foldDrops(out);
    expect(out.get('overload/background')).toBe(7);
  });
});
