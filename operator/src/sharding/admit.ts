// Which strategies the fleet has room for (pure). The runners hold at most capacity × maxShards
// strategies; when more are declared, the planner cannot place them all, and refusing the whole
// fleet (as it once did) froze every other change too. Instead the strategies already on a shard
// below maxShards keep their place, newcomers take the room left in name order, and the rest
// are left out, to be placed as soon as room appears (a strategy deleted, capacity or maxShards
// raised). So applying one strategy too many never stops or moves a running one.
import { keptShard } from './planner.ts';

export interface Admission {
  /** Names that fit, in name order. */
  admitted: string[];
  /** Names left out for lack of room, in name order. */
  overflow: string[];
  /** capacity × maxShards: how many strategies the runners hold. */
  room: number;
}

export function admitWithinLimit(
  names: readonly string[],
  previous: Readonly<Record<string, number>>,
  capacity: number,
  maxShards: number,
): Admission {
  const room = capacity * maxShards;
  const sorted = [...names].sort();
  if (sorted.length <= room) return { admitted: sorted, overflow: [], room };
  const placed = (name: string) => keptShard(previous, name, maxShards) !== undefined;
  const incumbents = sorted.filter(placed);
  const newcomers = sorted.filter((name) => !placed(name));
  const taken = [...incumbents, ...newcomers].slice(0, room);
  const admittedSet = new Set(taken);
  return {
    admitted: sorted.filter((name) => admittedSet.has(name)),
    overflow: sorted.filter((name) => !admittedSet.has(name)),
    room,
  };
}
