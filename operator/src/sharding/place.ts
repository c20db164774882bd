// Placement of strategies without a shard (new ones, and ones evicted by a lowered capacity or
// shard limit). Strategies already placed never move here.
import { swapForAffinity } from './improve.ts';
import type { PlannedStrategy, ShardTable } from './shard-table.ts';

/**
 * The shard with room sharing the most instruments with `s` (ties: fewest strategies, then the
 * lowest index), or undefined when no shard with room shares any.
 */
function bestOverlappingShard(table: ShardTable, s: PlannedStrategy): number | undefined {
  const overlap = new Map<number, number>();
  for (const i of s.instruments)
    for (const k of table.readersOf(i)) overlap.set(k, (overlap.get(k) ?? 0) + 1);
  let best: number | undefined;
  let bestOverlap = 0;
  let bestLoad = 0;
  for (const [k, o] of overlap) {
    if (!table.hasRoom(k)) continue;
    const load = table.shards[k]?.members.size ?? 0;
    const better =
      best === undefined ||
      o > bestOverlap ||
      (o === bestOverlap && (load < bestLoad || (load === bestLoad && k < best)));
    if (better) {
      best = k;
      bestOverlap = o;
      bestLoad = load;
    }
  }
  return best;
}

/**
 * Phase 1: each strategy joins the shard with room it shares the most instruments with.
 * Repeated until a pass places nothing, since a join can make a shard attractive to a
 * strategy looked at earlier. Returns the strategies that share nothing with any shard
 * with room, in the order given.
 */
function joinOverlapping(table: ShardTable, strategies: PlannedStrategy[]): PlannedStrategy[] {
  let rest = strategies;
  for (;;) {
    const next: PlannedStrategy[] = [];
    for (const s of rest) {
      const k = bestOverlappingShard(table, s);
      if (k === undefined) next.push(s);
      else table.add(s, k);
    }
    if (next.length === rest.length) return next;
    rest = next;
  }
}

/**
 * The indices phase 2 may fill: those below the top, plus as many new ones as the strategies
 * left need beyond the room below the top. `slack` is the room they leave unused. The caller
 * has checked that the fleet fits, so this never reaches maxShards (limit <= ceil(n / capacity)
 * when new indices are needed).
 */
function shardBudget(table: ShardTable, strategies: number): { limit: number; slack: number } {
  const top = table.top;
  let room = 0;
  for (let k = 0; k < top; k++) room += table.capacity - (table.shards[k]?.members.size ?? 0);
  const limit = top + Math.max(0, Math.ceil((strategies - room) / table.capacity));
  return { limit, slack: room + (limit - top) * table.capacity - strategies };
}

const loadOf = (table: ShardTable, k: number) => table.shards[k]?.members.size ?? 0;

/**
 * The shard to fill next: the least loaded open index with room below the limit (ties: the
 * lowest). An empty one comes first: a gap left by removals (an idle runner), else a new index.
 */
function targetShard(table: ShardTable, limit: number, closed: ReadonlySet<number>): number {
  let best = -1;
  let bestLoad = table.capacity;
  for (let k = 0; k < limit; k++) {
    const load = loadOf(table, k);
    if (load < bestLoad && !closed.has(k)) {
      best = k;
      bestLoad = load;
    }
  }
  return best;
}

function emptyOpenIndex(
  table: ShardTable,
  limit: number,
  closed: ReadonlySet<number>,
  not: number,
) {
  for (let k = 0; k < limit; k++)
    if (k !== not && !closed.has(k) && loadOf(table, k) === 0) return true;
  return false;
}

/** The strategies phase 2 still has to place, with what it needs to rank them quickly. */
class Pending {
  readonly strategies: readonly PlannedStrategy[];
  readonly placed: boolean[];
  left: number;
  /** Instruments each one shares with the current target. */
  overlap: number[] = [];
  /** Instrument -> positions of the strategies reading it. */
  readonly #readers = new Map<string, number[]>();
  /** Kin of each unplaced strategy: per instrument of it, how many other unplaced ones read it. */
  readonly #kin: number[];

  constructor(strategies: readonly PlannedStrategy[]) {
    this.strategies = strategies;
    this.placed = strategies.map(() => false);
    this.left = strategies.length;
    strategies.forEach((s, j) => {
      for (const i of s.instruments) {
        const list = this.#readers.get(i);
        if (list) list.push(j);
        else this.#readers.set(i, [j]);
      }
    });
    this.#kin = strategies.map((s) =>
      s.instruments.reduce((n, i) => n + (this.#readers.get(i)?.length ?? 1) - 1, 0),
    );
  }

  /** Marks `j` placed on a shard that had not read `fresh` before. */
  place(j: number, fresh: readonly string[]): void {
    this.placed[j] = true;
    this.left--;
    for (const i of (this.strategies[j] as PlannedStrategy).instruments)
      for (const k of this.#readers.get(i) ?? []) this.#kin[k] = (this.#kin[k] ?? 0) - 1;
    for (const i of fresh)
      for (const k of this.#readers.get(i) ?? []) this.overlap[k] = (this.overlap[k] ?? 0) + 1;
  }

  /**
   * The next strategy for the target: the most instruments shared with it, then the fewest it
   * lacks, then the least kin left (an outlier joins now; strategies with many kin can still
   * gather elsewhere). When none shares any: for an empty target, the one with the most kin
   * left (a cluster grows around it); for a started one, the one with the least (an outlier,
   * so clusters stay whole). Ties: name (strategies are in name order).
   */
  next(targetEmpty: boolean): number {
    let pick = -1;
    for (let j = 0; j < this.strategies.length; j++) {
      if (this.placed[j]) continue;
      if (pick < 0 || this.#compare(j, pick) < 0) pick = j;
    }
    if ((this.overlap[pick] ?? 0) > 0) return pick;
    let best = -1;
    let bestKin = 0;
    for (let j = 0; j < this.strategies.length; j++) {
      if (this.placed[j]) continue;
      const kin = this.#kin[j] ?? 0;
      if (best < 0 || (targetEmpty ? kin > bestKin : kin < bestKin)) {
        best = j;
        bestKin = kin;
      }
    }
    return best;
  }

  #compare(a: number, b: number): number {
    const oa = this.overlap[a] ?? 0;
    const ob = this.overlap[b] ?? 0;
    if (oa !== ob) return ob - oa;
    const lacksA = (this.strategies[a] as PlannedStrategy).instruments.length - oa;
    const lacksB = (this.strategies[b] as PlannedStrategy).instruments.length - ob;
    return lacksA - lacksB || (this.#kin[a] ?? 0) - (this.#kin[b] ?? 0) || a - b;
  }
}

/**
 * Phase 2: fill the target shard, growing it by affinity (Pending.next) until it is full. When
 * even the best strategy shares nothing with it, an empty index is open, and the room left
 * unused would still fit every strategy left, the target is closed instead, and the next
 * strategy seeds a fresh shard rather than mixing into this one. From scratch this packs
 * clusters of related strategies together and still uses exactly ceil(n / capacity) shards.
 */
function seedAndGrow(table: ShardTable, rest: PlannedStrategy[]): void {
  const pending = new Pending(rest);
  let { limit, slack } = shardBudget(table, rest.length);
  const closed = new Set<number>();
  while (pending.left > 0) {
    const target = targetShard(table, limit, closed);
    pending.overlap = rest.map((s) => table.overlap(s, target));
    while (pending.left > 0 && table.hasRoom(target)) {
      const load = loadOf(table, target);
      const pick = pending.next(load === 0);
      const unused = table.capacity - load;
      if (
        pending.overlap[pick] === 0 &&
        load > 0 &&
        unused <= slack &&
        emptyOpenIndex(table, limit, closed, target)
      ) {
        slack -= unused;
        closed.add(target);
        break;
      }
      const s = rest[pick] as PlannedStrategy;
      const fresh = s.instruments.filter((i) => !table.reads(target, i));
      table.add(s, target);
      pending.place(pick, fresh);
    }
  }
}

/** Places every strategy of `unplaced` (in name order) without moving any placed one. */
export function placeUnplaced(table: ShardTable, unplaced: PlannedStrategy[]): void {
  seedAndGrow(table, joinOverlapping(table, unplaced));
  swapForAffinity(table, unplaced);
}
