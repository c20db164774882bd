// The shard planner: packs strategies into runner shards (replica i of the runner StatefulSet
// runs shard i) by instrument affinity, under a per-shard capacity. Strategies on the same
// instruments share feature pipelines and model batches in one runner, so co-locating them
// saves work. The operator calls it on every Strategy reconcile with the previous assignment,
// read back from the shard ConfigMaps. docs/reference/sharding.md is the reference.
//
// Pure and deterministic: the plan depends only on the set of (name, instrument set) pairs, the
// previous assignment and the options; not on input order (strategies are taken in name order,
// instruments deduplicated and sorted).
//
// Stability, the invariant the tests check: a strategy whose previous shard is an integer in
// [0, maxShards) keeps it, unless its shard holds more than `capacity` such strategies; then
// exactly (load - capacity) of that shard move, those sharing the fewest instruments with the
// rest of it (evict.ts). So only strategies on shards at or above maxShards, and the overload of
// shards above capacity, move: the fewest any valid plan can move. Consequences: re-planning an
// unchanged fleet moves none, removing strategies moves none, and adding strategies (while the
// fleet fits) moves none of the others, stricter than "at most one".
//
// Placement of the rest (new strategies and evicted ones) never moves a kept one (place.ts):
//   1. join: in name order, each takes the shard with room sharing the most instruments with it
//      (ties: fewest strategies, then lowest index), until nothing more joins;
//   2. seed and grow: the rest fill the least loaded index with room (an empty one first: a gap
//      left by removals is an idle runner, reused before a new index opens; new indices only
//      when the room below the top is too small), each shard grown by affinity;
//   3. swap: pairs placed in this call swap shards while that saves pipelines (improve.ts).
// So a single new strategy lands on the shard with room sharing the most instruments (ties:
// fewest strategies, lowest index), else on the lowest empty index, else on a new one.
// Gaps are never closed by moving strategies (that would move a whole shard); trailing empty
// shards cost nothing, since `shards` is the highest used index + 1.
import { PlanError } from './errors.ts';
import { evictOverload } from './evict.ts';
import { placeUnplaced } from './place.ts';
import { byName, type PlannedStrategy, ShardTable } from './shard-table.ts';

export interface PlannerStrategy {
  name: string;
  instruments: readonly string[];
}

export interface ShardPlan {
  /** Strategy name -> shard index. */
  assignments: Record<string, number>;
  /** The highest shard index + 1 (0 for no strategies): the runner StatefulSet's replicas. */
  shards: number;
  /** Strategies present in `previous` whose shard is now different, in name order. */
  moved: string[];
}

export interface PlanOptions {
  /** Most strategies one shard (one runner) holds. */
  capacity: number;
  /** Most shards; indices at or above it are emptied. @default MAX_SHARDS */
  maxShards?: number;
}

/** The runner accepts shards 0-999 (`--shard`, the shard config schema). */
export const MAX_SHARDS = 1000;

function checkOptions(opts: PlanOptions): { capacity: number; maxShards: number } {
  const { capacity, maxShards = MAX_SHARDS } = opts;
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new PlanError('FLT_SHARD_INPUT', `capacity: ${capacity} is not an integer >= 1`);
  if (!Number.isInteger(maxShards) || maxShards < 1 || maxShards > MAX_SHARDS)
    throw new PlanError(
      'FLT_SHARD_INPUT',
      `maxShards: ${maxShards} is not an integer from 1 to ${MAX_SHARDS}`,
    );
  return { capacity, maxShards };
}

function normalize(strategies: readonly PlannerStrategy[]): PlannedStrategy[] {
  const fleet = strategies
    .map((s) => ({ name: s.name, instruments: [...new Set(s.instruments)].sort() }))
    .sort(byName);
  for (let j = 1; j < fleet.length; j++)
    if (fleet[j]?.name === fleet[j - 1]?.name)
      throw new PlanError('FLT_SHARD_INPUT', `strategy "${fleet[j]?.name}" is listed twice`);
  return fleet;
}

/** The previous shard, if it is one the plan may keep. */
export function keptShard(
  previous: Readonly<Record<string, number>>,
  name: string,
  maxShards: number,
): number | undefined {
  if (!Object.hasOwn(previous, name)) return undefined;
  const k = previous[name];
  return Number.isInteger(k) && (k as number) >= 0 && (k as number) < maxShards ? k : undefined;
}

export function planShards(
  strategies: readonly PlannerStrategy[],
  previous: Readonly<Record<string, number>>,
  opts: PlanOptions,
): ShardPlan {
  const { capacity, maxShards } = checkOptions(opts);
  const fleet = normalize(strategies);
  const needed = Math.ceil(fleet.length / capacity);
  if (needed > maxShards)
    throw new PlanError(
      'FLT_SHARD_LIMIT',
      `${fleet.length} strategies need ${needed} shards of capacity ${capacity}, above maxShards ${maxShards}: raise the capacity or maxShards, or remove strategies`,
    );

  const table = new ShardTable(capacity);
  const unplaced: PlannedStrategy[] = [];
  for (const s of fleet) {
    const k = keptShard(previous, s.name, maxShards);
    if (k === undefined) unplaced.push(s);
    else table.add(s, k);
  }
  unplaced.push(...evictOverload(table));
  placeUnplaced(table, unplaced.sort(byName));

  const assignments: Record<string, number> = Object.fromEntries(
    fleet.map((s) => [s.name, table.shardOf(s.name) as number]),
  );
  const moved = fleet
    .filter((s) => Object.hasOwn(previous, s.name) && previous[s.name] !== assignments[s.name])
    .map((s) => s.name);
  return { assignments, shards: table.top, moved };
}
