// Holds the outcome labels of a cohort until it is final, then emits them with their cohort
// percentiles. A cohort is the set of positions opened by decisions on one instrument at one tick
// (the broker fills them all on the instrument's next tick). It is final once it is sealed (no
// member can join any more: the fills of that tick are done) and every member has closed; a
// cohort with a position that never closes is never emitted.
import type { OutcomeRow } from '../ledger/records.ts';
import { cohortPercentiles } from './cohort-percentile.ts';
import { type ClosedPosition, outcomeRow, rMultiple } from './labels.ts';

interface Cohort {
  /** Member positions in the order they opened; undefined while one is open. */
  members: (ClosedPosition | undefined)[];
  open: number;
  sealed: boolean;
}

export class OutcomeLabeller {
  private readonly cohorts = new Map<string, Cohort>();
  /** Open position id -> its cohort and slot. */
  private readonly slots = new Map<string, { cohort: Cohort; key: string; slot: number }>();

  private unlabelled = 0;

  /** Positions opened and not labelled yet: open, or closed in a cohort that is not final. */
  get pending(): number {
    return this.unlabelled;
  }

  /** A position opened in cohort `key`. */
  opened(positionId: string, key: string): void {
    let cohort = this.cohorts.get(key);
    if (!cohort) {
      cohort = { members: [], open: 0, sealed: false };
      this.cohorts.set(key, cohort);
    }
    if (cohort.sealed) throw new RangeError(`cohort ${key} is sealed; ${positionId} cannot join`);
    this.slots.set(positionId, { cohort, key, slot: cohort.members.length });
    cohort.members.push(undefined);
    cohort.open++;
    this.unlabelled++;
  }

  /** No more positions join cohort `key`; appends its rows to `out` if all closed already. */
  seal(key: string, out: OutcomeRow[]): void {
    const cohort = this.cohorts.get(key);
    if (!cohort) return;
    cohort.sealed = true;
    this.emitIfFinal(key, cohort, out);
  }

  /** A position closed; appends its cohort's rows to `out` when that made the cohort final. */
  closed(position: ClosedPosition, out: OutcomeRow[]): void {
    const at = this.slots.get(position.positionId);
    if (!at) throw new RangeError(`position ${position.positionId} was never opened`);
    this.slots.delete(position.positionId);
    at.cohort.members[at.slot] = position;
    at.cohort.open--;
    this.emitIfFinal(at.key, at.cohort, out);
  }

  private emitIfFinal(key: string, cohort: Cohort, out: OutcomeRow[]): void {
    if (!cohort.sealed || cohort.open > 0) return;
    this.cohorts.delete(key);
    this.unlabelled -= cohort.members.length;
    const members = cohort.members as ClosedPosition[];
    const percentiles = cohortPercentiles(members.map(rMultiple));
    for (let i = 0; i < members.length; i++)
      out.push(outcomeRow(members[i] as ClosedPosition, percentiles[i] as number));
  }
}
