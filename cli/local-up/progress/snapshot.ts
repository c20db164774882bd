// Reads the progress of every strategy: the runner's counters from its Redis strategy hashes
// (live, every report interval) and trades and net P&L from the ledger.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import { runnerKeys } from '../../../operator/src/api/shard/redis-keys.ts';
import { type StrategySummary, strategySummaries } from '../../../runtime/src/ledger/queries.ts';
import type { Fleet } from '../example-fleet.ts';
import { type StrategyProgress, ticksFedTo } from './format.ts';

export interface ProgressSources {
  redis: Redis;
  clickhouse: ClickHouseClient;
  database: string;
  /** Namespace of the fleet: the runner's Redis keys are under it. */
  namespace: string;
  fleet: Fleet;
}

export async function readProgress(
  s: ProgressSources,
  fedByInstrument: ReadonlyMap<string, number>,
): Promise<StrategyProgress[]> {
  const keys = runnerKeys(s.namespace, 0);
  const tx = s.redis.pipeline();
  for (const strategy of s.fleet.strategies) tx.hgetall(keys.strategyHash(strategy.name));
  const [replies, ledger] = await Promise.all([tx.exec(), ledgerByStrategy(s)]);
  return s.fleet.strategies.map((strategy, i) => {
    const hash = (replies?.[i]?.[1] ?? {}) as Record<string, string>;
    const summary = ledger.get(strategy.name);
    return {
      name: strategy.name,
      ticksFed: ticksFedTo(strategy.instruments, fedByInstrument),
      decisions: Number(hash.decisions ?? 0),
      signals: Number(hash.signals ?? 0),
      trades: summary?.trades ?? 0,
      net: summary?.net ?? 0,
    };
  });
}

/** The ledger's summaries by strategy; empty while ClickHouse cannot answer (progress is best effort). */
async function ledgerByStrategy(s: ProgressSources): Promise<Map<string, StrategySummary>> {
  try {
    const rows = await strategySummaries(s.clickhouse, s.database);
    return new Map(rows.map((r) => [r.strategy, r]));
  } catch {
    return new Map();
  }
}
