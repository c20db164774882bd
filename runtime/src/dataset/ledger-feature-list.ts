// One dataset has one feature list: the columns are the decisions' feature keys in the order
// they were scored. Decisions are grouped by (strategy, feature_set, feature_keys) as they are
// read; more than one group, or a feature set the runtime's current feature implementations do
// not reproduce, is refused with a message naming the strategies and the difference.
import { featureSetHash } from '../features/feature-set-hash.ts';
import { DatasetError } from './errors.ts';
import { parseFeatureKey } from './feature-list.ts';

/** Decisions of one strategy that share a feature list. */
export interface FeatureListGroup {
  strategy: string;
  featureSet: string;
  keys: readonly string[];
  decisions: number;
  /** ts_ms of the group's first and last decision. */
  fromTs: number;
  toTs: number;
}

/** Collects the groups, one call per decision. */
export class FeatureListGroups {
  readonly #groups = new Map<string, FeatureListGroup>();

  add(strategy: string, featureSet: string, keys: readonly string[], ts: number): void {
    const id = `${strategy}\0${featureSet}\0${keys.join(',')}`;
    const group = this.#groups.get(id);
    if (group === undefined) {
      this.#groups.set(id, {
        strategy,
        featureSet,
        keys: [...keys],
        decisions: 1,
        fromTs: ts,
        toTs: ts,
      });
      return;
    }
    group.decisions++;
    group.fromTs = Math.min(group.fromTs, ts);
    group.toTs = Math.max(group.toTs, ts);
  }

  /** The groups, oldest first decision first (ties by strategy). */
  get groups(): FeatureListGroup[] {
    return [...this.#groups.values()].sort(
      (a, b) => a.fromTs - b.fromTs || (a.strategy < b.strategy ? -1 : 1),
    );
  }
}

export interface CommonFeatureList {
  keys: readonly string[];
  featureSet: string;
  strategies: readonly string[];
}

/** At most this many groups are listed in a message. */
const LISTED = 6;

/**
 * The one feature list every group shares, checked against the runtime's feature-set hash.
 * Throws DatasetError (FLT_DATASET_LEDGER) when the groups differ or the hash does not match.
 */
export function commonFeatureList(groups: readonly FeatureListGroup[]): CommonFeatureList {
  const first = groups[0];
  if (first === undefined) throw new RangeError('commonFeatureList: no groups');
  const other = groups.find((g) => g.keys.join(',') !== first.keys.join(','));
  if (other !== undefined) throw differentLists(groups, first, other);
  const otherSet = groups.find((g) => g.featureSet !== first.featureSet);
  if (otherSet !== undefined) throw differentSets(groups, first, otherSet);
  checkFeatureSet(first);
  return {
    keys: first.keys,
    featureSet: first.featureSet,
    strategies: [...new Set(groups.map((g) => g.strategy))].sort(),
  };
}

/** How list `b` differs from list `a`: keys only in one of them, or the same keys reordered. */
export function describeDifference(a: readonly string[], b: readonly string[]): string {
  const onlyA = a.filter((k) => !b.includes(k));
  const onlyB = b.filter((k) => !a.includes(k));
  const parts: string[] = [];
  if (onlyA.length > 0) parts.push(`${onlyA.join(', ')} only in the first`);
  if (onlyB.length > 0) parts.push(`${onlyB.join(', ')} only in the second`);
  if (parts.length === 0) return 'the same keys in another order';
  return parts.join('; ');
}

function describeGroup(g: FeatureListGroup): string {
  const span = `${new Date(g.fromTs).toISOString()} .. ${new Date(g.toTs).toISOString()}`;
  return `strategy ${g.strategy}: [${g.keys.join(', ')}] (feature set ${g.featureSet}; ${g.decisions} decision(s), ${span})`;
}

function listing(groups: readonly FeatureListGroup[]): string {
  const shown = groups.slice(0, LISTED).map((g) => `\n  ${describeGroup(g)}`);
  const more = groups.length > LISTED ? `\n  ... and ${groups.length - LISTED} more` : '';
  return shown.join('') + more;
}

function differentLists(
  groups: readonly FeatureListGroup[],
  a: FeatureListGroup,
  b: FeatureListGroup,
): DatasetError {
  const who =
    a.strategy === b.strategy
      ? `strategy ${a.strategy} changed its features (from ${new Date(b.fromTs).toISOString()}); pick one range with --from/--to`
      : `strategies ${a.strategy} and ${b.strategy} score different features; pick one with --strategy`;
  return new DatasetError(
    'FLT_DATASET_LEDGER',
    `the decisions do not share one feature list, and one dataset has one: ${who}. Difference: ${describeDifference(a.keys, b.keys)}. Feature lists:${listing(groups)}`,
  );
}

function differentSets(
  groups: readonly FeatureListGroup[],
  a: FeatureListGroup,
  b: FeatureListGroup,
): DatasetError {
  return new DatasetError(
    'FLT_DATASET_LEDGER',
    `the decisions have the same feature keys but were scored with different feature implementations (feature set ${a.featureSet} of strategy ${a.strategy} vs ${b.featureSet} of strategy ${b.strategy} from ${new Date(b.fromTs).toISOString()}); pick decisions of one version with --from/--to. Feature lists:${listing(groups)}`,
  );
}

/** The stored feature set must be the runtime's hash of the keys, or the versions differ. */
function checkFeatureSet(g: FeatureListGroup): void {
  const bad = g.keys.map(parseFeatureKey).find((p) => typeof p === 'string');
  if (typeof bad === 'string')
    throw new DatasetError(
      'FLT_DATASET_LEDGER',
      `strategy ${g.strategy}: the decisions' feature keys are not this runtime's: ${bad}`,
    );
  const current = featureSetHash(g.keys);
  if (current !== g.featureSet)
    throw new DatasetError(
      'FLT_DATASET_LEDGER',
      `strategy ${g.strategy}: the decisions were scored with feature set ${g.featureSet}, but this runtime's implementations of [${g.keys.join(', ')}] hash to ${current}: a feature's implementation changed since (docs/reference/features.md), and a model trained on the old values would not match what the runtime computes now. Export decisions made with the current implementations (--from).`,
    );
}
