// 100 callers scoring one row at a time through the registry, optionally while the model behind
// their name is swapped between two artifacts every few milliseconds. Every result is checked
// against the scores of the digest it came with.
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import type { ResolvedModel } from '../../operator/src/api/shard/shard-config.ts';
import type { ModelRegistry } from '../../runtime/src/inference/index.ts';
import { quantile } from './measure.ts';

export interface LoadResult {
  calls: number;
  failed: number;
  wrongModel: number;
  noPredictor: number;
  swaps: number;
  p50Ms: number;
  p99Ms: number;
  callsPerSecond: number;
}

export async function callersUnderSwaps(
  registry: ModelRegistry,
  specs: [ResolvedModel, ResolvedModel],
  rows: Float32Array[],
  expected: Map<string, number[]>,
  opts: { callers: number; ms: number; swap: boolean },
): Promise<LoadResult> {
  let current = specs[0];
  registry.sync([current]);
  await registry.settled();
  let stop = false;
  const lat: number[] = [];
  let failed = 0;
  let wrongModel = 0;
  let noPredictor = 0;
  const caller = async (i: number) => {
    const row = rows[i % rows.length] as Float32Array;
    while (!stop) {
      await setImmediate();
      const p = registry.get(current);
      if (!p) {
        noPredictor++;
        continue;
      }
      const t0 = performance.now();
      try {
        const s = await p.score(row, 1);
        lat.push(performance.now() - t0);
        const want = expected.get(p.digest)?.[i % rows.length];
        if (want === undefined || Math.abs((s[0] as number) - want) > 1e-6) wrongModel++;
      } catch {
        failed++;
      }
    }
  };
  let swaps = 0;
  const driver = async () => {
    const end = performance.now() + opts.ms;
    while (performance.now() < end) {
      if (opts.swap) {
        current = current === specs[0] ? specs[1] : specs[0];
        registry.sync([current]);
        await registry.settled();
        if (registry.status()[0]?.serving === current.sha256) swaps++;
      }
      await sleep(2);
    }
    stop = true;
  };
  const start = performance.now();
  await Promise.all([driver(), ...Array.from({ length: opts.callers }, (_, i) => caller(i))]);
  const seconds = (performance.now() - start) / 1000;
  return {
    calls: lat.length,
    failed,
    wrongModel,
    noPredictor,
    swaps,
    p50Ms: quantile(lat, 0.5),
    p99Ms: quantile(lat, 0.99),
    callsPerSecond: lat.length / seconds,
  };
}
