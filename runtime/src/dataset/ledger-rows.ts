// Ledger decisions with their outcomes -> dataset rows, pure. Each decision that opened a
// position and whose position closed becomes one row: its feature values exactly as scored, the
// long-frame net log return of its position as fwd_return, and the label from it
// (ledger-labels.ts). All rows must share one feature list (ledger-feature-list.ts).
import type { DatasetRow } from './builder.ts';
import { DatasetError } from './errors.ts';
import {
  type CommonFeatureList,
  commonFeatureList,
  FeatureListGroups,
} from './ledger-feature-list.ts';
import { purgeHorizon } from './ledger-horizon.ts';
import { type FillPair, fillPairProblem, ledgerLabel, longNetLogReturn } from './ledger-labels.ts';

/** A decision joined with its outcome and its position's two fills, as read from the ledger. */
export interface LedgerExample {
  id: string;
  tsMs: number;
  strategy: string;
  instrument: string;
  entryId: string;
  featureSet: string;
  featureKeys: readonly string[];
  featureValues: readonly number[];
  /** The decision's target: 'long' or 'short' (only those open positions). */
  action: string;
  positionId: string;
  closedTsMs: number;
  rMultiple: number;
  /** undefined when the ledger does not hold exactly one open and one close fill. */
  fills: FillPair | undefined;
}

export interface LedgerCounts {
  /** Decisions with an outcome that were read. */
  examples: number;
  /** ...left out because their position's fills are missing or unusable. */
  skipped: number;
  rows: number;
  longs: number;
  shorts: number;
  /** Rows with label 1. */
  positives: number;
  /** Sum of the realized R-multiples of the rows. */
  rSum: number;
}

export interface LedgerRows {
  /** In file order: ts_ms, instrument, decision id. */
  rows: DatasetRow[];
  features: CommonFeatureList;
  /** `flotilla.label_horizon`, in rows of an instrument (ledger-horizon.ts). */
  horizon: number;
  counts: LedgerCounts;
}

interface Entry {
  row: DatasetRow;
  id: string;
  closedTs: number;
}

/** Call add() for every example (any order), then finish(). */
export class LedgerRowCollector {
  readonly #entries: Entry[] = [];
  readonly #groups = new FeatureListGroups();
  readonly #counts: LedgerCounts = {
    examples: 0,
    skipped: 0,
    rows: 0,
    longs: 0,
    shorts: 0,
    positives: 0,
    rSum: 0,
  };

  /** Throws DatasetError (FLT_DATASET_LEDGER) on a decision the ledger should never hold. */
  add(e: LedgerExample): void {
    this.#counts.examples++;
    if (e.action !== 'long' && e.action !== 'short')
      throw corrupt(e, `its action is "${e.action}", but only long and short open a position`);
    if (e.featureValues.length !== e.featureKeys.length)
      throw corrupt(
        e,
        `it has ${e.featureValues.length} feature values for ${e.featureKeys.length} keys`,
      );
    if (!e.featureValues.every(Number.isFinite))
      throw corrupt(e, 'a feature value is not a finite number');
    if (e.fills === undefined || fillPairProblem(e.fills) !== undefined) {
      this.#counts.skipped++;
      return;
    }
    this.#groups.add(e.strategy, e.featureSet, e.featureKeys, e.tsMs);
    const fwdReturn = longNetLogReturn(e.fills);
    const label = ledgerLabel(fwdReturn);
    this.#entries.push({
      row: {
        ts: e.tsMs,
        instrument: e.instrument,
        entryId: e.entryId,
        features: Float64Array.from(e.featureValues),
        fwdReturn,
        label,
        order: 0,
      },
      id: e.id,
      closedTs: e.closedTsMs,
    });
    const c = this.#counts;
    c.rows++;
    c.positives += label;
    c.rSum += e.rMultiple;
    if (e.action === 'long') c.longs++;
    else c.shorts++;
  }

  /** The rows in file order; throws DatasetError (FLT_DATASET_LEDGER) when there are none or the feature lists differ. */
  finish(): LedgerRows {
    const groups = this.#groups.groups;
    if (groups.length === 0)
      throw new DatasetError(
        'FLT_DATASET_LEDGER',
        this.#counts.examples === 0
          ? 'no decision in the range has an outcome: a decision gets one once the position it opened has closed (and its cohort is final); widen --from/--to, check --strategy, or let the runners trade longer'
          : `none of the ${this.#counts.examples} decisions with an outcome has both fills of its position in the ledger, so none can be labelled`,
      );
    const features = commonFeatureList(groups);
    const entries = this.#entries.sort(
      (a, b) =>
        a.row.ts - b.row.ts || compare(a.row.instrument, b.row.instrument) || compare(a.id, b.id),
    );
    const rows = entries.map((e, i) => {
      e.row.order = i;
      return e.row;
    });
    const horizon = purgeHorizon(
      entries.map((e) => ({ instrument: e.row.instrument, ts: e.row.ts, closedTs: e.closedTs })),
    );
    return { rows, features, horizon, counts: { ...this.#counts } };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function corrupt(e: LedgerExample, what: string): DatasetError {
  return new DatasetError(
    'FLT_DATASET_LEDGER',
    `decision ${e.id} (strategy ${e.strategy}) cannot be a training row: ${what}; the ledger was not written by the runner alone`,
  );
}
