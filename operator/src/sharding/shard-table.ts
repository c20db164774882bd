// The shards of one planning run: who is on each shard and, per shard, how many members read
// each instrument. Mutable, and private to one planShards call (which stays pure).

/** A strategy as the planner uses it: instruments deduplicated and sorted. */
export interface PlannedStrategy {
  readonly name: string;
  readonly instruments: readonly string[];
}

export interface Shard {
  readonly index: number;
  readonly members: Map<string, PlannedStrategy>;
  /** Members reading each instrument; its size is the shard's feature pipelines. */
  readonly instruments: Map<string, number>;
}

export class ShardTable {
  readonly capacity: number;
  readonly #shards: Shard[] = [];
  /** Instrument -> indices of the shards reading it, to find overlaps without a full scan. */
  readonly #readers = new Map<string, Set<number>>();
  readonly #shardOf = new Map<string, number>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Every index from 0 to the highest one used so far, empty ones included. */
  get shards(): readonly Shard[] {
    return this.#shards;
  }

  /** The highest non-empty index + 1: the number of runner replicas. */
  get top(): number {
    let top = this.#shards.length;
    while (top > 0 && this.#shards[top - 1]?.members.size === 0) top--;
    return top;
  }

  shardOf(name: string): number | undefined {
    return this.#shardOf.get(name);
  }

  hasRoom(index: number): boolean {
    return (this.#shards[index]?.members.size ?? 0) < this.capacity;
  }

  /** Instruments of `s` that shard `index` already reads (features it would not compute again). */
  overlap(s: PlannedStrategy, index: number): number {
    const read = this.#shards[index]?.instruments;
    if (!read) return 0;
    let n = 0;
    for (const i of s.instruments) if (read.has(i)) n++;
    return n;
  }

  reads(index: number, instrument: string): boolean {
    return this.#shards[index]?.instruments.has(instrument) ?? false;
  }

  readersOf(instrument: string): ReadonlySet<number> {
    return this.#readers.get(instrument) ?? EMPTY;
  }

  add(s: PlannedStrategy, index: number): void {
    const shard = this.#at(index);
    shard.members.set(s.name, s);
    this.#shardOf.set(s.name, index);
    for (const i of s.instruments) {
      const count = shard.instruments.get(i) ?? 0;
      shard.instruments.set(i, count + 1);
      if (count === 0) this.#readersSet(i).add(index);
    }
  }

  remove(s: PlannedStrategy, index: number): void {
    const shard = this.#at(index);
    shard.members.delete(s.name);
    this.#shardOf.delete(s.name);
    for (const i of s.instruments) {
      const count = (shard.instruments.get(i) ?? 0) - 1;
      if (count > 0) shard.instruments.set(i, count);
      else {
        shard.instruments.delete(i);
        this.#readers.get(i)?.delete(index);
      }
    }
  }

  #at(index: number): Shard {
    for (let i = this.#shards.length; i <= index; i++)
      this.#shards.push({ index: i, members: new Map(), instruments: new Map() });
    return this.#shards[index] as Shard;
  }

  #readersSet(instrument: string): Set<number> {
    let set = this.#readers.get(instrument);
    if (set) return set;
    set = new Set();
    this.#readers.set(instrument, set);
    return set;
  }
}

const EMPTY: ReadonlySet<number> = new Set();

/** Code-unit order, the same in every locale (localeCompare is not). */
export const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
