// One measurement in a fresh Node process (so no run inherits another's heap or JIT state):
//   node --expose-gc bench/tick-path/worker.ts '<job as JSON>'
// prints one JSON line with the result. bench/tick-path.ts starts these. A `memory` job prints
// {"ready":true} once its runner reads the streams, and finishes when a line arrives on stdin.
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { Runner } from '../../runtime/src/runner/runner.ts';
import { RunnerMetrics } from '../../runtime/src/server/metrics.ts';
import { drainBare, drainIoredis, drainNaive, drainRunner } from './drains.ts';
import { buildFleet, INSTRUMENTS } from './fleet.ts';
import { type LedgerJob, measureLatency } from './latency.ts';

export type Job =
  | { kind: 'bare'; redisUrl: string; namespace: string; expected: number }
  | { kind: 'ioredis'; redisUrl: string; namespace: string; expected: number }
  | { kind: 'runner'; redisUrl: string; namespace: string; expected: number }
  | { kind: 'naive'; redisUrl: string; namespace: string; expected: number; maxMs: number }
  | {
      kind: 'latency';
      redisUrl: string;
      namespace: string;
      rate: number;
      seconds: number;
      ledger?: LedgerJob;
    }
  | { kind: 'memory'; redisUrl: string; namespace: string; strategies: number };

export interface Memory {
  rssKiB: number;
  heapUsedKiB: number;
  heapTotalKiB: number;
  externalKiB: number;
  arrayBuffersKiB: number;
}

/** Memory after a full collection, in KiB. */
function memory(): Memory {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return {
    rssKiB: Math.round(m.rss / 1024),
    heapUsedKiB: Math.round(m.heapUsed / 1024),
    heapTotalKiB: Math.round(m.heapTotal / 1024),
    externalKiB: Math.round(m.external / 1024),
    arrayBuffersKiB: Math.round(m.arrayBuffers / 1024),
  };
}

async function run(job: Job): Promise<object> {
  switch (job.kind) {
    case 'bare':
      return drainBare(job.redisUrl, `${job.namespace}:bare`, INSTRUMENTS, job.expected);
    case 'ioredis':
      return drainIoredis(job.redisUrl, `${job.namespace}:ioredis`, INSTRUMENTS, job.expected);
    case 'runner': {
      const fleet = buildFleet();
      return drainRunner(job.redisUrl, job.namespace, fleet.config, fleet.predictors, job.expected);
    }
    case 'naive': {
      const fleet = buildFleet();
      return drainNaive(
        job.redisUrl,
        job.namespace,
        fleet.config,
        fleet.predictors,
        job.expected,
        job.maxMs,
      );
    }
    case 'latency': {
      const fleet = buildFleet();
      return measureLatency(job, fleet);
    }
    case 'memory':
      return liveMemory(job);
  }
}

/**
 * Allocates about 100 MB of short-lived garbage, so every page of the (fixed-size) young
 * generation has been touched: a runner that allocates little would otherwise show the pages it
 * never touched as savings.
 */
function touchYoungGeneration(): number {
  let n = 0;
  for (let i = 0; i < 2_000_000; i++) n += [i, i, i, i].length;
  return n;
}

/** A runner of the first `strategies` of the fleet consuming live until told to stop. */
async function liveMemory(job: { redisUrl: string; namespace: string; strategies: number }) {
  touchYoungGeneration();
  const fleet = buildFleet(job.strategies);
  const runner = new Runner({
    redisUrl: job.redisUrl,
    namespace: job.namespace,
    shard: 0,
    consumer: 'bench-memory',
    predictors: fleet.predictors,
    metrics: new RunnerMetrics(),
    log: pino({ level: 'silent' }),
  });
  runner.setConfig(fleet.config);
  await runner.start();
  while (runner.generation < 0) await new Promise((r) => setTimeout(r, 10));
  console.log(JSON.stringify({ ready: true }));
  for await (const _ of createInterface({ input: process.stdin })) break;
  // Told to stop once the feed is done: first catch up with what it published.
  for (let seen = -1; seen !== runner.totals.ticks; ) {
    seen = runner.totals.ticks;
    await new Promise((r) => setTimeout(r, 300));
  }
  await runner.stop();
  return { ticks: runner.totals.ticks, ...memory() };
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
console.log(JSON.stringify(await run(job)));
