// Reports what the runner does to Redis for the operator: a hash per shard (generation and
// counters), a hash per strategy, and a stream of events. Best effort: a failed report is logged
// and retried on the next interval; it never blocks the tick path.
import type { Redis } from 'ioredis';
import type { RunnerKeys } from '../../../operator/src/api/shard/redis-keys.ts';
import type { CompiledStrategy } from '../strategy/compiled-strategy.ts';

export interface ShardSnapshot {
  generation: number;
  ready: boolean;
  ticks: number;
  signals: number;
  deadLetters: number;
  drops: number;
  strategies: Iterable<CompiledStrategy>;
}

const EVENTS_MAXLEN = 10_000;

export class Reporter {
  readonly #redis: Redis;
  readonly #keys: RunnerKeys;
  readonly #identity: Record<string, string>;

  constructor(redis: Redis, keys: RunnerKeys, identity: { shard: number; pod: string }) {
    this.#redis = redis;
    this.#keys = keys;
    this.#identity = { shard: String(identity.shard), pod: identity.pod };
  }

  async event(type: string, fields: Record<string, string | number> = {}): Promise<void> {
    const flat = Object.entries({ ...this.#identity, ...fields }).flatMap(([k, v]) => [
      k,
      String(v),
    ]);
    await this.#redis.xadd(
      this.#keys.events,
      'MAXLEN',
      '~',
      EVENTS_MAXLEN,
      '*',
      'type',
      type,
      'ts',
      String(Date.now()),
      ...flat,
    );
  }

  async flush(s: ShardSnapshot, nowMs = Date.now()): Promise<void> {
    const tx = this.#redis.multi();
    let quarantined = 0;
    let count = 0;
    for (const strategy of s.strategies) {
      count++;
      const q = strategy.quarantine.until > nowMs;
      if (q) quarantined++;
      tx.hset(this.#keys.strategyHash(strategy.name), {
        ...strategy.counters,
        shard: this.#identity.shard,
        generation: strategy.config.generation,
        quarantined: q ? 1 : 0,
        lastError: strategy.quarantine.lastError,
        updatedMs: nowMs,
      });
    }
    tx.hset(this.#keys.shardHash, {
      ...this.#identity,
      generation: s.generation,
      ready: s.ready ? 1 : 0,
      ticks: s.ticks,
      signals: s.signals,
      deadLetters: s.deadLetters,
      drops: s.drops,
      strategies: count,
      quarantined,
      updatedMs: nowMs,
    });
    await tx.exec();
  }
}
