// Capacity lowered below a shard's load: the fewest strategies leave (exactly load - capacity
// per shard), and the ones that leave are those that gain least from being there.
import type { PlannedStrategy, Shard, ShardTable } from './shard-table.ts';

/** Instruments of `member` that another member of its shard also reads. */
function sharedWithRest(shard: Shard, member: PlannedStrategy): number {
  let n = 0;
  for (const i of member.instruments) if ((shard.instruments.get(i) ?? 0) > 1) n++;
  return n;
}

/**
 * Takes members off every shard above capacity until it is at capacity, one at a time: the one
 * sharing the fewest instruments with the rest of its shard (ties: the greatest name) leaves
 * first. Returns them; they are placed again like new strategies.
 */
export function evictOverload(table: ShardTable): PlannedStrategy[] {
  const evicted: PlannedStrategy[] = [];
  for (const shard of table.shards) {
    while (shard.members.size > table.capacity) {
      let leaving: PlannedStrategy | undefined;
      let leastShared = Number.POSITIVE_INFINITY;
      for (const member of shard.members.values()) {
        const shared = sharedWithRest(shard, member);
        if (
          shared < leastShared ||
          (shared === leastShared && leaving && member.name > leaving.name)
        ) {
          leaving = member;
          leastShared = shared;
        }
      }
      if (!leaving) break;
      table.remove(leaving, shard.index);
      evicted.push(leaving);
    }
  }
  return evicted;
}
