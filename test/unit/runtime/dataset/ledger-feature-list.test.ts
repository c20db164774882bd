import { describe, expect, it } from 'vitest';
import {
  commonFeatureList,
  describeDifference,
  type FeatureListGroup,
  FeatureListGroups,
} from '../../../../runtime/src/dataset/ledger-feature-list.ts';
import { featureSetHash } from '../../../../runtime/src/features/feature-set-hash.ts';

const T0 = Date.UTC(2024, 2, 1);
const MIN = 60_000;
const A = ['return_10', 'rsi_14', 'ema_20'];

/** Groups from decisions [strategy, keys, minute, featureSet?]. */
function groups(decisions: [string, readonly string[], number, string?][]): FeatureListGroup[] {
  const g = new FeatureListGroups();
  for (const [strategy, keys, minute, set] of decisions)
    g.add(strategy, set ?? featureSetHash(keys), keys, T0 + minute * MIN);
  return g.groups;
}

const message = (gs: FeatureListGroup[]) => {
  try {
    commonFeatureList(gs);
  } catch (err) {
    expect((err as { code: string }).code).toBe('FLT_DATASET_LEDGER');
    return (err as Error).message;
  }
  throw new Error('commonFeatureList accepted the groups');
};

describe('FeatureListGroups', () => {
  it('counts decisions and their time span per strategy and list', () => {
    const gs = groups([
      ['b', A, 5],
      ['a', A, 9],
      ['a', A, 2],
      ['a', A, 7],
    ]);
    expect(gs).toEqual([
      {
        strategy: 'a',
        featureSet: featureSetHash(A),
        keys: A,
        decisions: 3,
        fromTs: T0 + 2 * MIN,
        toTs: T0 + 9 * MIN,
      },
      {
        strategy: 'b',
        featureSet: featureSetHash(A),
        keys: A,
        decisions: 1,
        fromTs: T0 + 5 * MIN,
        toTs: T0 + 5 * MIN,
      },
    ]);
  });
});

describe('commonFeatureList', () => {
  it('accepts strategies that share one list, in the decisions’ order', () => {
    expect(
      commonFeatureList(
        groups([
          ['b', A, 0],
          ['a', A, 1],
        ]),
      ),
    ).toEqual({
      keys: A,
      featureSet: featureSetHash(A),
      strategies: ['a', 'b'],
    });
  });

  it('refuses two strategies with different lists, naming both, the difference and --strategy', () => {
    const text = message(
      groups([
        ['momentum', A, 0],
        ['meanrev', ['return_10', 'zscore_50'], 1],
      ]),
    );
    expect(text).toContain(
      'strategies momentum and meanrev score different features; pick one with --strategy',
    );
    expect(text).toContain(
      'Difference: rsi_14, ema_20 only in the first; zscore_50 only in the second',
    );
    expect(text).toContain('\n  strategy momentum: [return_10, rsi_14, ema_20]');
    expect(text).toContain('\n  strategy meanrev: [return_10, zscore_50]');
    expect(text).toContain('1 decision(s), 2024-03-01T00:01:00.000Z .. 2024-03-01T00:01:00.000Z');
  });

  it('refuses a strategy whose features changed, naming when and --from/--to', () => {
    const text = message(
      groups([
        ['momentum', A, 0],
        ['momentum', [...A, 'volatility_20'], 30],
      ]),
    );
    expect(text).toContain(
      'strategy momentum changed its features (from 2024-03-01T00:30:00.000Z); pick one range with --from/--to',
    );
    expect(text).toContain('volatility_20 only in the second');
  });

  it('refuses the same keys in another order (a model takes its inputs in order)', () => {
    const text = message(
      groups([
        ['a', A, 0],
        ['b', [...A].reverse(), 1],
      ]),
    );
    expect(text).toContain('Difference: the same keys in another order');
  });

  it('refuses the same keys scored with different feature implementations', () => {
    const text = message(
      groups([
        ['a', A, 0, featureSetHash(A)],
        ['a', A, 5, '00000000deadbeef'],
      ]),
    );
    expect(text).toContain('scored with different feature implementations');
    expect(text).toContain(
      `feature set ${featureSetHash(A)} of strategy a vs 00000000deadbeef of strategy a`,
    );
  });

  it('refuses decisions whose feature set this runtime’s implementations do not reproduce', () => {
    const text = message(groups([['a', A, 0, '00000000deadbeef']]));
    expect(text).toContain(
      `strategy a: the decisions were scored with feature set 00000000deadbeef, but this runtime's implementations of [return_10, rsi_14, ema_20] hash to ${featureSetHash(A)}`,
    );
  });

  it('refuses keys that are not feature keys', () => {
    expect(message(groups([['a', ['ret_1'], 0, 'x']]))).toContain(
      'strategy a: the decisions\' feature keys are not this runtime\'s: "ret_1" is not a feature key',
    );
  });

  it('lists at most six groups', () => {
    const many = groups(
      Array.from(
        { length: 9 },
        (_, i) => [`s${i}`, [`ema_${i + 2}`], i] as [string, string[], number],
      ),
    );
    const text = message(many);
    expect(text.match(/\n {2}strategy /g)?.length).toBe(6);
    expect(text).toContain('\n  ... and 3 more');
  });
});

describe('describeDifference', () => {
  it.each<[string[], string[], string]>([
    [['a_1', 'b_2'], ['a_1'], 'b_2 only in the first'],
    [['a_1'], ['a_1', 'c_3'], 'c_3 only in the second'],
    [['a_1', 'b_2'], ['c_3'], 'a_1, b_2 only in the first; c_3 only in the second'],
    [['a_1', 'b_2'], ['b_2', 'a_1'], 'the same keys in another order'],
  ])('%j vs %j', (a, b, text) => {
    expect(describeDifference(a, b)).toBe(text);
  });
});
