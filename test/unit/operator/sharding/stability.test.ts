// Properties of the shard planner over random fleets (fast-check). The invariant, from
// operator/src/sharding/planner.ts: a strategy whose previous shard is an integer in
// [0, maxShards) keeps it unless that shard holds more than `capacity` of them, and then
// exactly (load - capacity) of that shard move.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type PlannerStrategy,
  planShards,
  type ShardPlan,
} from '../../../../operator/src/sharding/planner.ts';
import { fleet, loads, previousFor, s } from './fleets.ts';

const capacity = fc.integer({ min: 1, max: 6 });

function expectValid(plan: ShardPlan, strategies: readonly PlannerStrategy[], cap: number) {
  expect(Object.keys(plan.assignments).sort()).toEqual(strategies.map((x) => x.name).sort());
  const indices = Object.values(plan.assignments);
  expect(plan.shards).toBe(indices.length === 0 ? 0 : Math.max(...indices) + 1);
  for (const k of indices) expect(Number.isInteger(k) && k >= 0).toBe(true);
  for (const load of loads(plan.assignments).values()) expect(load).toBeLessThanOrEqual(cap);
}

/** Fleet plus a plan of it: the state the operator reads back from its ConfigMaps. */
const planned = fleet().chain((strategies) =>
  fc.record({ cap: capacity, previous: previousFor(strategies) }).map(({ cap, previous }) => ({
    strategies,
    cap,
    assignments: planShards(strategies, previous, { capacity: cap }).assignments,
  })),
);

describe('planShards properties', () => {
  it('assigns every strategy once, within capacity, whatever the previous assignment says', () => {
    fc.assert(
      fc.property(
        fleet().chain((f) => fc.tuple(fc.constant(f), previousFor(f), capacity)),
        ([strategies, previous, cap]) =>
          expectValid(planShards(strategies, previous, { capacity: cap }), strategies, cap),
      ),
    );
  });

  it('depends on the set of strategies, not their order or repeated instruments', () => {
    fc.assert(
      fc.property(
        fleet().chain((f) =>
          fc.tuple(
            fc.constant(f),
            fc.shuffledSubarray(f, { minLength: f.length, maxLength: f.length }),
            previousFor(f),
            capacity,
          ),
        ),
        ([strategies, shuffled, previous, cap]) => {
          const scrambled = shuffled.map((x) =>
            s(x.name, ...[...x.instruments].reverse(), ...x.instruments),
          );
          expect(planShards(scrambled, previous, { capacity: cap })).toEqual(
            planShards(strategies, previous, { capacity: cap }),
          );
        },
      ),
    );
  });

  it('re-planning an unchanged fleet moves none', () => {
    fc.assert(
      fc.property(planned, ({ strategies, cap, assignments }) => {
        const again = planShards(strategies, assignments, { capacity: cap });
        expect(again.assignments).toEqual(assignments);
        expect(again.moved).toEqual([]);
      }),
    );
  });

  it('removing strategies moves none of the others', () => {
    fc.assert(
      fc.property(
        planned.chain((p) => fc.tuple(fc.constant(p), fc.subarray(p.strategies))),
        ([{ cap, assignments }, kept]) => {
          const plan = planShards(kept, assignments, { capacity: cap });
          expect(plan.moved).toEqual([]);
          for (const x of kept) expect(plan.assignments[x.name]).toBe(assignments[x.name]);
        },
      ),
    );
  });

  it('adding one strategy moves none of the others and puts it on the best shard with room', () => {
    fc.assert(
      fc.property(
        planned.chain((p) =>
          fc.tuple(
            fc.constant(p),
            fleet(1).filter(
              (x) => x.length === 1 && !p.strategies.some((y) => y.name === x[0]?.name),
            ),
          ),
        ),
        ([{ strategies, cap, assignments }, [added]]) => {
          const x = added as PlannerStrategy;
          const plan = planShards([...strategies, x], assignments, { capacity: cap });
          expect(plan.moved).toEqual([]);
          expect(plan.assignments).toMatchObject(assignments);

          // The brute-force rule: most shared instruments, then fewest strategies, then lowest
          // index, among the shards with room (an empty index below the top counts); else new.
          const top = Math.max(-1, ...Object.values(assignments)) + 1;
          const candidates = Array.from({ length: top }, (_, k) => {
            const members = strategies.filter((y) => assignments[y.name] === k);
            const read = new Set(members.flatMap((y) => y.instruments));
            return {
              k,
              load: members.length,
              overlap: x.instruments.filter((i) => read.has(i)).length,
            };
          }).filter((c) => c.load < cap);
          candidates.sort((a, b) => b.overlap - a.overlap || a.load - b.load || a.k - b.k);
          expect(plan.assignments[x.name]).toBe(candidates[0]?.k ?? top);
        },
      ),
    );
  });

  it('any change to the fleet under the same options moves none of the strategies that stay', () => {
    fc.assert(
      fc.property(
        planned.chain((p) => fc.tuple(fc.constant(p), fc.subarray(p.strategies), fleet(10))),
        ([{ strategies, cap, assignments }, kept, incoming]) => {
          const added = incoming.filter((x) => !strategies.some((y) => y.name === x.name));
          const plan = planShards([...kept, ...added], assignments, { capacity: cap });
          expect(plan.moved).toEqual([]);
          expectValid(plan, [...kept, ...added], cap);
        },
      ),
    );
  });

  it('changing the capacity or maxShards moves exactly the fewest strategies any valid plan must', () => {
    fc.assert(
      fc.property(
        planned.chain((p) =>
          fc.tuple(
            fc.constant(p),
            fc.integer({ min: 1, max: p.cap + 3 }),
            fc.integer({ min: 1, max: 12 }),
          ),
        ),
        ([{ strategies, assignments }, cap, maxShards]) => {
          const fits = strategies.length <= cap * maxShards;
          const plan = () => planShards(strategies, assignments, { capacity: cap, maxShards });
          if (!fits) {
            expect(plan).toThrow(expect.objectContaining({ code: 'FLT_SHARD_LIMIT' }));
            return;
          }
          const kept = Object.fromEntries(
            Object.entries(assignments).filter(([, k]) => k < maxShards),
          );
          let minimum = Object.keys(assignments).length - Object.keys(kept).length;
          for (const load of loads(kept).values()) minimum += Math.max(0, load - cap);

          const result = plan();
          expectValid(result, strategies, cap);
          expect(result.moved).toHaveLength(minimum);
          expect(result.shards).toBeLessThanOrEqual(maxShards);
        },
      ),
    );
  });

  it('from scratch, uses shards 0 .. ceil(n / capacity) - 1, each holding strategies', () => {
    fc.assert(
      fc.property(fleet(), capacity, (strategies, cap) => {
        const plan = planShards(strategies, {}, { capacity: cap });
        const used = loads(plan.assignments);
        expect(plan.shards).toBe(Math.ceil(strategies.length / cap));
        expect(used.size).toBe(plan.shards);
      }),
    );
  });

  it('opens no new index while an empty index (an idle runner) remains below the top', () => {
    fc.assert(
      fc.property(
        planned.chain((p) => fc.tuple(fc.constant(p), fc.subarray(p.strategies), fleet(10))),
        ([{ strategies, cap, assignments }, kept, incoming]) => {
          const added = incoming.filter((x) => !strategies.some((y) => y.name === x.name));
          const before = Math.max(-1, ...kept.map((x) => assignments[x.name] as number)) + 1;
          const plan = planShards([...kept, ...added], assignments, { capacity: cap });
          const hasGap = loads(plan.assignments).size < plan.shards;
          if (plan.shards > before) expect(hasGap).toBe(false);
        },
      ),
    );
  });
});
