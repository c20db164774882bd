import { describe, expect, it } from 'vitest';
import { PlanError } from '../../../../operator/src/sharding/errors.ts';
import {
  type PlannerStrategy,
  type PlanOptions,
  planShards,
} from '../../../../operator/src/sharding/planner.ts';
import { s } from './fleets.ts';

type Shards = Record<string, number>;

const BTC = 'BTC';
const ETH = 'ETH';
const EUR = 'EUR';
const GBP = 'GBP';

describe('planShards from scratch', () => {
  it('plans an empty fleet as zero shards', () => {
    expect(planShards([], {}, { capacity: 3 })).toEqual({ assignments: {}, shards: 0, moved: [] });
  });

  it('packs strategies on the same instruments together, in ceil(n / capacity) shards', () => {
    const fleet = [s('a', BTC), s('b', EUR), s('c', BTC, ETH), s('d', EUR, GBP), s('e', ETH)];
    expect(planShards(fleet, {}, { capacity: 3 })).toEqual({
      assignments: { a: 0, b: 1, c: 0, d: 1, e: 0 },
      shards: 2,
      moved: [],
    });
  });

  it('does not depend on input order or on repeated instruments', () => {
    const fleet = [s('a', BTC), s('b', EUR), s('c', BTC, ETH), s('d', EUR, GBP), s('e', ETH)];
    const shuffled = [
      s('e', ETH, ETH),
      s('d', GBP, EUR),
      s('c', ETH, BTC),
      s('b', EUR),
      s('a', BTC),
    ];
    expect(planShards(shuffled, {}, { capacity: 2 })).toEqual(
      planShards(fleet, {}, { capacity: 2 }),
    );
  });
});

describe('placing a new strategy x', () => {
  it.each<{
    rule: string;
    previous: Shards;
    fleet: PlannerStrategy[];
    x: PlannerStrategy;
    capacity: number;
    shard: number;
  }>([
    {
      rule: 'joins the shard with the most shared instruments',
      previous: { a: 0, b: 1, c: 1 },
      fleet: [s('a', BTC), s('b', ETH), s('c', ETH, EUR)],
      x: s('x', ETH, EUR),
      capacity: 3,
      shard: 1,
    },
    {
      rule: 'skips a full shard for the next best overlap',
      previous: { a: 0, b: 1, c: 1 },
      fleet: [s('a', ETH), s('b', ETH, EUR), s('c', ETH, EUR)],
      x: s('x', ETH, EUR),
      capacity: 2,
      shard: 0,
    },
    {
      rule: 'breaks an overlap tie by fewest strategies',
      previous: { a: 0, b: 0, c: 1 },
      fleet: [s('a', BTC), s('b', BTC), s('c', BTC)],
      x: s('x', BTC),
      capacity: 3,
      shard: 1,
    },
    {
      rule: 'breaks an overlap and load tie by lowest index',
      previous: { a: 1, b: 0 },
      fleet: [s('a', BTC), s('b', BTC)],
      x: s('x', BTC),
      capacity: 3,
      shard: 0,
    },
    {
      rule: 'sharing nothing, goes to the least loaded shard with room',
      previous: { a: 0, b: 0, c: 1 },
      fleet: [s('a', BTC), s('b', BTC), s('c', ETH)],
      x: s('x', EUR),
      capacity: 3,
      shard: 1,
    },
    {
      rule: 'sharing nothing, reuses an empty index (an idle runner) first',
      previous: { a: 0, c: 2 },
      fleet: [s('a', BTC), s('c', ETH)],
      x: s('x', EUR),
      capacity: 3,
      shard: 1,
    },
    {
      rule: 'prefers an overlap to an empty index',
      previous: { a: 0, c: 2 },
      fleet: [s('a', BTC), s('c', ETH)],
      x: s('x', ETH),
      capacity: 3,
      shard: 2,
    },
    {
      rule: 'opens a new shard when every shard is full',
      previous: { a: 0, b: 1 },
      fleet: [s('a', BTC), s('b', BTC)],
      x: s('x', BTC),
      capacity: 1,
      shard: 2,
    },
  ])('$rule', ({ previous, fleet, x, capacity, shard }) => {
    const plan = planShards([...fleet, x], previous, { capacity });
    expect(plan.assignments).toEqual({ ...previous, x: shard });
    expect(plan.moved).toEqual([]);
  });
});

describe('what moves', () => {
  it('leaves an empty index in place when strategies are removed, and trims empty ones at the end', () => {
    const previous = { a: 0, b: 1, c: 2 };
    expect(planShards([s('a', BTC), s('c', EUR)], previous, { capacity: 1 })).toEqual({
      assignments: { a: 0, c: 2 },
      shards: 3,
      moved: [],
    });
    expect(planShards([s('a', BTC), s('b', EUR)], previous, { capacity: 1 }).shards).toBe(2);
  });

  it.each<{
    why: string;
    fleet: PlannerStrategy[];
    previous: Shards;
    opts: PlanOptions;
    assignments: Shards;
    moved: string[];
  }>([
    {
      why: 'capacity lowered: the member sharing least with its shard leaves, to a shard sharing its instruments',
      fleet: [s('a', BTC), s('b', BTC), s('c', EUR), s('d', EUR)],
      previous: { a: 0, b: 0, c: 0, d: 1 },
      opts: { capacity: 2 },
      assignments: { a: 0, b: 0, c: 1, d: 1 },
      moved: ['c'],
    },
    {
      why: 'capacity lowered, members alike: the greatest name leaves',
      fleet: [s('a', BTC), s('b', BTC), s('c', BTC)],
      previous: { a: 0, b: 0, c: 0 },
      opts: { capacity: 2 },
      assignments: { a: 0, b: 0, c: 1 },
      moved: ['c'],
    },
    {
      why: 'maxShards lowered: only the strategies above it move',
      fleet: [s('a', BTC), s('b', EUR), s('c', EUR), s('d', ETH)],
      previous: { a: 0, b: 1, c: 2, d: 3 },
      opts: { capacity: 2, maxShards: 2 },
      assignments: { a: 0, b: 1, c: 1, d: 0 },
      moved: ['c', 'd'],
    },
    {
      why: 'a previous shard that is no shard index: placed again and reported',
      fleet: [s('a', BTC), s('b', BTC), s('c', BTC), s('d', BTC)],
      previous: { a: -1, b: 1.5, c: Number.NaN, d: 0, gone: 0 },
      opts: { capacity: 4 },
      assignments: { a: 0, b: 0, c: 0, d: 0 },
      moved: ['a', 'b', 'c'],
    },
  ])('$why', ({ fleet, previous, opts, assignments, moved }) => {
    const plan = planShards(fleet, previous, opts);
    expect(plan.assignments).toEqual(assignments);
    expect(plan.moved).toEqual(moved);
  });

  it('never reports a new strategy as moved', () => {
    expect(planShards([s('a', BTC), s('new', BTC)], { a: 0 }, { capacity: 1 })).toEqual({
      assignments: { a: 0, new: 1 },
      shards: 2,
      moved: [],
    });
  });

  it('reads previous shards as own keys only (a strategy may be named constructor)', () => {
    const plan = planShards([s('constructor', BTC), s('a', BTC)], { a: 3 }, { capacity: 2 });
    expect(plan.assignments).toEqual({ a: 3, constructor: 3 });
    expect(Object.keys(plan.assignments)).toEqual(['a', 'constructor']);
  });
});

describe('errors', () => {
  it('names the limit when the fleet cannot fit', () => {
    const fleet = Array.from({ length: 1250 }, (_, j) => s(`s${j}`, BTC));
    const plan = () => planShards(fleet, {}, { capacity: 100, maxShards: 10 });
    expect(plan).toThrow(PlanError);
    expect(plan).toThrow(
      expect.objectContaining({
        code: 'FLT_SHARD_LIMIT',
        message: expect.stringContaining(
          '1250 strategies need 13 shards of capacity 100, above maxShards 10',
        ),
      }),
    );
  });

  it('fits exactly capacity * maxShards strategies', () => {
    const fleet = Array.from({ length: 20 }, (_, j) => s(`s${j}`, BTC));
    expect(planShards(fleet, {}, { capacity: 2, maxShards: 10 }).shards).toBe(10);
  });

  it.each([
    { opts: { capacity: 0 }, fleet: [], message: 'capacity: 0 is not an integer >= 1' },
    { opts: { capacity: 1.5 }, fleet: [], message: 'capacity: 1.5 is not an integer >= 1' },
    {
      opts: { capacity: 2, maxShards: 0 },
      fleet: [],
      message: 'maxShards: 0 is not an integer from 1 to 1000',
    },
    {
      opts: { capacity: 2, maxShards: 1001 },
      fleet: [],
      message: 'maxShards: 1001 is not an integer from 1 to 1000',
    },
    {
      opts: { capacity: 2 },
      fleet: [s('a', BTC), s('a', EUR)],
      message: 'strategy "a" is listed twice',
    },
  ])('rejects $message', ({ opts, fleet, message }) => {
    expect(() => planShards(fleet, {}, opts)).toThrow(
      expect.objectContaining({ code: 'FLT_SHARD_INPUT', message }),
    );
  });
});
