// Load shedding under overload. Pure decisions; the executor applies them per strategy.
import type { ShardStrategy } from '../../../operator/src/api/shard/shard-config.ts';

/** 0: no shedding; 1: shed background strategies; 2: shed normal ones too. Critical never. */
export type ShedLevel = 0 | 1 | 2;

/**
 * How far behind the runner is decides how much it sheds: a batch whose oldest tick waited
 * longer than the latency budget sheds background work, and twice the budget sheds normal work.
 */
export function shedLevel(oldestTickAgeMs: number, latencyBudgetMs: number): ShedLevel {
  if (oldestTickAgeMs > 2 * latencyBudgetMs) return 2;
  if (oldestTickAgeMs > latencyBudgetMs) return 1;
  return 0;
}

const RANK: Record<ShardStrategy['priority'], number> = { critical: 3, normal: 2, background: 1 };

export function shedByPriority(priority: ShardStrategy['priority'], level: ShedLevel): boolean {
  return level > 0 && RANK[priority] <= level;
}

/**
 * Per-strategy CPU accounting in one-second windows, sampled (1 evaluation in `sampleEvery` is
 * timed and counted `sampleEvery` times) so that timing costs little on the hot path.
 */
export class CostMeter {
  windowStartMs = 0;
  usedMs = 0;
  #calls = 0;
  static readonly sampleEvery = 16;

  /** True when this evaluation should be timed. */
  sample(): boolean {
    return (this.#calls++ & (CostMeter.sampleEvery - 1)) === 0;
  }

  add(nowMs: number, elapsedMs: number): void {
    if (nowMs - this.windowStartMs >= 1_000) {
      this.windowStartMs = nowMs;
      this.usedMs = 0;
    }
    this.usedMs += elapsedMs * CostMeter.sampleEvery;
  }

  overBudget(nowMs: number, budgetMs: number): boolean {
    return nowMs - this.windowStartMs < 1_000 && this.usedMs > budgetMs;
  }
}
