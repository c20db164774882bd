// Reads every runner's reports from Redis on one timer (one pipeline per poll for the whole
// fleet) and wakes the Strategy controller only for strategies whose report changed in a way
// status shows. Polling per strategy from its reconcile would cost a reconcile per strategy per
// interval: at 1,000 strategies that alone saturates the work queue.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { runnerKeys } from '../../api/shard/redis-keys.ts';
import type { Placement, RunnerReport } from './strategy-status.ts';

export interface ReportPollerOptions {
  redis: Redis;
  namespace: string;
  /** Where each strategy runs now. */
  placements: () => ReadonlyMap<string, Placement>;
  /** Strategies whose report changed. */
  onChange: (names: string[]) => void;
  logger: Logger;
  /** @default 1000 */
  intervalMs?: number;
  /** Counter-only changes wake a strategy at most this often, ms. @default 15000 */
  refreshMs?: number;
  /** A report not updated for this long is stale, ms. @default 15000 */
  staleAfterMs?: number;
}

/**
 * What of a report status depends on, apart from counters: a change here wakes the strategy at
 * once. Pure.
 */
export function reportSignature(r: RunnerReport, nowMs: number, staleAfterMs: number): string {
  if ('unavailable' in r) return 'unavailable';
  const s = r.strategy;
  const stale = !(nowMs - Number(s.updatedMs) <= staleAfterMs);
  return [
    s.shard,
    s.generation,
    s.quarantined,
    s.lastError,
    r.shard.ready,
    r.shard.generation,
    stale,
  ].join('|');
}

const countersOf = (r: RunnerReport) =>
  'unavailable' in r
    ? ''
    : [r.strategy.decisions, r.strategy.signals, r.strategy.errors, r.strategy.drops].join('|');

interface Seen {
  signature: string;
  counters: string;
  wokenMs: number;
}

export class ReportPoller {
  readonly #o: Required<Omit<ReportPollerOptions, 'redis' | 'placements' | 'onChange' | 'logger'>> &
    ReportPollerOptions;
  readonly #reports = new Map<string, RunnerReport>();
  readonly #seen = new Map<string, Seen>();
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;

  constructor(o: ReportPollerOptions) {
    this.#o = { intervalMs: 1_000, refreshMs: 15_000, staleAfterMs: 15_000, ...o };
  }

  /** The last report read for a strategy (undefined before the first poll that saw it). */
  report(name: string): RunnerReport | undefined {
    return this.#reports.get(name);
  }

  start(): void {
    if (this.#timer) return;
    const tick = () => {
      this.#polling = this.poll()
        .catch((err) => this.#o.logger.warn({ err }, 'report poll failed'))
        .finally(() => {
          if (this.#timer) this.#timer = setTimeout(tick, this.#o.intervalMs);
        });
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#polling;
  }

  /** One poll: read every placed strategy's report, wake those whose report changed. */
  async poll(nowMs = Date.now()): Promise<void> {
    const placements = [...this.#o.placements()];
    const reports = await this.#read(placements);
    const changed: string[] = [];
    for (const [name, report] of reports) {
      const signature = reportSignature(report, nowMs, this.#o.staleAfterMs);
      const counters = countersOf(report);
      const seen = this.#seen.get(name);
      this.#reports.set(name, report);
      const due =
        !seen ||
        seen.signature !== signature ||
        (seen.counters !== counters && nowMs - seen.wokenMs >= this.#o.refreshMs);
      if (!due) continue;
      this.#seen.set(name, { signature, counters, wokenMs: nowMs });
      changed.push(name);
    }
    for (const name of [...this.#reports.keys()])
      if (!reports.has(name)) {
        this.#reports.delete(name);
        this.#seen.delete(name);
      }
    if (changed.length > 0) this.#o.onChange(changed);
  }

  async #read(placements: [string, Placement][]): Promise<Map<string, RunnerReport>> {
    const out = new Map<string, RunnerReport>();
    if (placements.length === 0) return out;
    const shards = [...new Set(placements.map(([, p]) => p.shard))];
    const tx = this.#o.redis.pipeline();
    for (const shard of shards) tx.hgetall(runnerKeys(this.#o.namespace, shard).shardHash);
    for (const [name, p] of placements)
      tx.hgetall(runnerKeys(this.#o.namespace, p.shard).strategyHash(name));
    let replies: [Error | null, unknown][];
    try {
      replies = (await tx.exec()) ?? [];
    } catch (err) {
      for (const [name] of placements) out.set(name, { unavailable: (err as Error).message });
      return out;
    }
    const failed = replies.find(([err]) => err)?.[0];
    if (failed) {
      for (const [name] of placements) out.set(name, { unavailable: failed.message });
      return out;
    }
    const shardHash = new Map(shards.map((s, i) => [s, replies[i]?.[1] as Record<string, string>]));
    placements.forEach(([name, p], i) => {
      out.set(name, {
        strategy: replies[shards.length + i]?.[1] as Record<string, string>,
        shard: shardHash.get(p.shard) ?? {},
      });
    });
    return out;
  }
}
