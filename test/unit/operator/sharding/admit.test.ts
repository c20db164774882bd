import { describe, expect, it } from 'vitest';
import { admitWithinLimit } from '../../../../operator/src/sharding/admit.ts';

describe('admitWithinLimit', () => {
  it('admits everything that fits, in name order', () => {
    expect(admitWithinLimit(['c', 'a', 'b'], {}, 2, 2)).toEqual({
      admitted: ['a', 'b', 'c'],
      overflow: [],
      room: 4,
    });
  });

  it('leaves out the newcomers past the room, in name order, and never a placed strategy', () => {
    // z and y already run; a, b and c are new; room for 4.
    const a = admitWithinLimit(['a', 'b', 'c', 'y', 'z'], { y: 0, z: 1 }, 2, 2);
    expect(a.admitted).toEqual(['a', 'b', 'y', 'z']);
    expect(a.overflow).toEqual(['c']);
  });

  it('counts a strategy on a shard at or above maxShards as a newcomer', () => {
    const a = admitWithinLimit(['a', 'b', 'z'], { z: 5, b: 0 }, 1, 2);
    expect(a.admitted).toEqual(['a', 'b']);
    expect(a.overflow).toEqual(['z']);
  });

  it('keeps placed strategies in name order when they alone exceed the room (capacity lowered)', () => {
    const a = admitWithinLimit(['a', 'b', 'c', 'd'], { a: 0, b: 0, c: 1, d: 1 }, 1, 3);
    expect(a).toEqual({ admitted: ['a', 'b', 'c'], overflow: ['d'], room: 3 });
  });

  it('places an overflowing strategy once a placed one is deleted', () => {
    const before = admitWithinLimit(['a', 'b', 'c'], { a: 0, b: 1 }, 1, 2);
    expect(before.overflow).toEqual(['c']);
    const after = admitWithinLimit(['b', 'c'], { b: 1 }, 1, 2);
    expect(after).toEqual({ admitted: ['b', 'c'], overflow: [], room: 2 });
  });
});
