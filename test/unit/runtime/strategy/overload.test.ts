import { describe, expect, it } from 'vitest';
import { CostMeter, shedByPriority, shedLevel } from '../../../../runtime/src/strategy/overload.ts';

describe('overload', () => {
  it.each([
    [0, 0],
    [50, 0],
    [51, 1],
    [100, 1],
    [101, 2],
  ])('a batch %s ms old with a 50 ms budget sheds at level %s', (age, level) => {
    expect(shedLevel(age, 50)).toBe(level);
  });

  it.each([
    ['background', 0, false],
    ['background', 1, true],
    ['normal', 1, false],
    ['normal', 2, true],
    ['critical', 2, false],
  ] as const)('%s at level %s is shed: %s', (priority, level, shed) => {
    expect(shedByPriority(priority, level)).toBe(shed);
  });

  it('cost meter scales its samples and resets each second', () => {
    const m = new CostMeter();
    let sampled = 0;
    for (let i = 0; i < 32; i++) if (m.sample()) sampled++;
    expect(sampled).toBe(2);
    m.add(1_000, 1);
    expect(m.usedMs).toBe(CostMeter.sampleEvery);
    expect(m.overBudget(1_500, 10)).toBe(true);
    expect(m.overBudget(1_500, 20)).toBe(false);
    m.add(2_100, 0.5);
    expect(m.usedMs).toBe(CostMeter.sampleEvery / 2);
  });
});
