// Fixture builders and fast-check arbitraries for the shard planner tests.
import fc from 'fast-check';
import type { PlannerStrategy } from '../../../../operator/src/sharding/planner.ts';

/** `s('a', 'BTC', 'ETH')` -> { name: 'a', instruments: ['BTC', 'ETH'] } */
export const s = (name: string, ...instruments: string[]): PlannerStrategy => ({
  name,
  instruments,
});

/** Strategies per shard index. */
export function loads(assignments: Record<string, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const k of Object.values(assignments)) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

/** The naive baseline: strategies in name order dealt to ceil(n / capacity) shards in turn. */
export function roundRobin(strategies: readonly PlannerStrategy[], capacity: number) {
  const sorted = [...strategies].sort((a, b) => (a.name < b.name ? -1 : 1));
  const shards = Math.ceil(sorted.length / capacity);
  return Object.fromEntries(sorted.map((x, j) => [x.name, j % shards]));
}

export const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/);
const instrument = fc.constantFrom('BTC', 'ETH', 'SOL', 'XRP', 'ADA', 'DOT', 'EUR', 'GBP', 'JPY');

/** Unique names, each on 1-4 of a small instrument universe (so overlaps are common). */
export const fleet = (maxLength = 40) =>
  fc
    .uniqueArray(
      fc.record({ name, instruments: fc.uniqueArray(instrument, { minLength: 1, maxLength: 4 }) }),
      { selector: (x) => x.name, maxLength },
    )
    .map((xs) => xs as PlannerStrategy[]);

/**
 * Clustered fleets: instruments come in disjoint clusters (say, crypto, FX, equities), and each
 * strategy trades 1-3 instruments of one cluster.
 */
export const clusteredFleet = fc
  .record({
    clusters: fc.integer({ min: 2, max: 6 }),
    perCluster: fc.integer({ min: 2, max: 5 }),
    picks: fc.uniqueArray(
      fc.record({
        name,
        cluster: fc.nat(),
        instruments: fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 }),
      }),
      { selector: (x) => x.name, minLength: 1, maxLength: 60 },
    ),
  })
  .map(({ clusters, perCluster, picks }) =>
    picks.map((p) => {
      const c = p.cluster % clusters;
      return s(p.name, ...new Set(p.instruments.map((i) => `c${c}-i${i % perCluster}`)));
    }),
  );

/** What the operator may read back: stale names, negative, fractional and out-of-range shards. */
export const previousFor = (strategies: readonly PlannerStrategy[]) =>
  fc
    .tuple(
      fc.subarray(strategies.map((x) => x.name)),
      fc.array(name, { maxLength: 5 }),
      fc.array(fc.oneof(fc.integer({ min: -1, max: 12 }), fc.constant(1.5)), {
        minLength: 50,
        maxLength: 50,
      }),
    )
    .map(([kept, stale, shards]) =>
      Object.fromEntries([...kept, ...stale].map((n, j) => [n, shards[j % shards.length] ?? 0])),
    );
