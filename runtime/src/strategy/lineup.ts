// The strategies on one instrument, as the tick loop walks them. Whether a member is evaluated
// (paused, quarantined, shed by priority) cannot change between the ticks of one batch except
// through a failure, so it is decided once per batch into a byte per member; drops are counted
// per member and folded into the result once per batch. The tick loop then reads a byte instead
// of three objects per member, and makes no string per drop.
import type { CompiledStrategy, Member } from './compiled-strategy.ts';
import { type ShedLevel, shedByPriority } from './overload.ts';
import { isQuarantined } from './quarantine.ts';

/** What the tick loop does with a member during a batch. */
export const Gate = {
  evaluate: 0,
  /** Paused: skipped, not counted. */
  skip: 1,
  quarantined: 2,
  overload: 3,
} as const;

/** Drop reasons counted per member, in this order. */
const DROP_REASONS = ['quarantined', 'overload', 'budget'] as const;
export const BUDGET_DROP = 2;

/** The gate of a strategy for a batch at `now` and shed `level`. Pure. */
export function gateOf(strategy: CompiledStrategy, now: number, level: ShedLevel): number {
  if (strategy.config.paused) return Gate.skip;
  if (isQuarantined(strategy.quarantine, now)) return Gate.quarantined;
  if (shedByPriority(strategy.config.priority, level)) return Gate.overload;
  return Gate.evaluate;
}

export class Lineup {
  readonly members: Member[] = [];
  /** Per member, for the batch being processed. */
  gates = new Uint8Array(0);
  /** Per member and drop reason (DROP_REASONS order), for the batch being processed. */
  drops = new Int32Array(0);

  /** Sets every member's gate for a batch and clears the drop counts. */
  prepare(now: number, level: ShedLevel): void {
    const n = this.members.length;
    if (this.gates.length !== n) {
      this.gates = new Uint8Array(n);
      this.drops = new Int32Array(n * DROP_REASONS.length);
    } else this.drops.fill(0);
    for (let k = 0; k < n; k++)
      this.gates[k] = gateOf((this.members[k] as Member).strategy, now, level);
  }

  /** Counts one drop of member `k` for a gate (quarantined, overload) or BUDGET_DROP. */
  drop(k: number, reason: number): void {
    (this.drops[k * DROP_REASONS.length + reason] as number)++;
  }

  /** Adds the batch's drops to `out` (by `reason/priority`) and to each strategy's counters. */
  foldDrops(out: Map<string, number>): void {
    for (let k = 0; k < this.members.length; k++) {
      const strategy = (this.members[k] as Member).strategy;
      for (let r = 0; r < DROP_REASONS.length; r++) {
        const n = this.drops[k * DROP_REASONS.length + r] as number;
        if (n === 0) continue;
        const key = `${DROP_REASONS[r]}/${strategy.config.priority}`;
        out.set(key, (out.get(key) ?? 0) + n);
        strategy.counters.drops += n;
      }
    }
  }
}

/** Gate values of the drops they count, as DROP_REASONS indexes. */
export const dropOfGate = (gate: number) => gate - Gate.quarantined;
