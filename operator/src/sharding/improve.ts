// A local search after placement: pairs of strategies placed in this same call swap shards
// while that strictly lowers the feature pipelines (distinct shard-instrument pairs). Strategies
// kept from the previous assignment never take part, so the stability invariant is untouched;
// swaps keep every shard's load, so capacity and the shard count are untouched too.
import type { PlannedStrategy, Shard, ShardTable } from './shard-table.ts';

/** Pipelines shard `shard` gains minus loses when `out` leaves it and `into` joins it. */
function swapCost(shard: Shard, out: PlannedStrategy, into: PlannedStrategy): number {
  let cost = 0;
  for (const i of into.instruments)
    if ((shard.instruments.get(i) ?? 0) - (out.instruments.includes(i) ? 1 : 0) === 0) cost++;
  for (const i of out.instruments) if (shard.instruments.get(i) === 1) cost--;
  return cost;
}

/**
 * Bounds on the search, so a cold start of 1,000 strategies stays in tens of milliseconds even
 * on fleets where every shard reads every instrument. Passes after the second rarely gain.
 */
export const SEARCH_LIMITS = { passes: 2, evaluations: 100_000 } as const;

/**
 * Passes over `placed` in name order; each strategy swaps with the partner saving the most
 * pipelines (ties: the smaller name), if any saves one, within SEARCH_LIMITS (counted the same
 * way every time, so the plan stays deterministic).
 *
 * A swap of a (shard A) and b (shard B) saves something only if B reads an instrument only a
 * reads in A, or A one only b reads in B (otherwise each pipeline one side drops, the other side
 * adds). So `a` is tried only against shards reading one of its instruments unique in A; the
 * other case is seen from `b`'s side.
 */
export function swapForAffinity(
  table: ShardTable,
  placed: readonly PlannedStrategy[],
  limits = SEARCH_LIMITS,
) {
  // Two shards of one strategy each only trade places: nothing to save.
  if (table.capacity === 1) return;
  const movable = new Set(placed.map((s) => s.name));
  let budget = limits.evaluations;
  for (let pass = 0; pass < limits.passes; pass++) {
    let swapped = false;
    for (const a of placed) {
      const ka = table.shardOf(a.name) as number;
      const sa = table.shards[ka] as Shard;
      const shards = new Set<number>();
      for (const i of a.instruments)
        if (sa.instruments.get(i) === 1)
          for (const k of table.readersOf(i)) if (k !== ka) shards.add(k);
      let best: { b: PlannedStrategy; kb: number; delta: number } | undefined;
      for (const kb of [...shards].sort((x, y) => x - y)) {
        const sb = table.shards[kb] as Shard;
        for (const b of sb.members.values()) {
          if (!movable.has(b.name)) continue;
          if (budget-- <= 0) return;
          const delta = swapCost(sa, a, b) + swapCost(sb, b, a);
          if (delta < (best?.delta ?? 0) || (best && delta === best.delta && b.name < best.b.name))
            best = { b, kb, delta };
        }
      }
      if (!best) continue;
      table.remove(a, ka);
      table.remove(best.b, best.kb);
      table.add(a, best.kb);
      table.add(best.b, ka);
      swapped = true;
    }
    if (!swapped) return;
  }
}
