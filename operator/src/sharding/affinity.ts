// The planner's quality figure. Each distinct (shard, instrument) pair is a feature pipeline
// and a tick stream one runner reads and computes; fewer pairs for the same fleet means more
// sharing.
import type { PlannerStrategy } from './planner.ts';

/** Distinct (shard, instrument) pairs of a plan; strategies without an assignment are skipped. */
export function featurePipelines(
  strategies: readonly PlannerStrategy[],
  assignments: Readonly<Record<string, number>>,
): number {
  const pairs = new Set<string>();
  for (const s of strategies) {
    if (!Object.hasOwn(assignments, s.name)) continue;
    for (const i of s.instruments) pairs.add(`${assignments[s.name]}\u0000${i}`);
  }
  return pairs.size;
}
