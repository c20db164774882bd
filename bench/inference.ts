// Benchmark of the inference layer on the trainer's fixture models (test/fixtures/models):
//   (a) rows/s and per-call p50/p99 by batch size (1, 8, 32, 128, 512): onnxruntime in a worker
//       thread behind the registry (logreg, gbt, mlp), the pure-TypeScript linear path (logreg),
//       and, for reference, onnxruntime on the main thread (blocking the event loop);
//   (b) 100 strategies sharing one model (gbt, mlp): one 100-row call per tick (batched) versus
//       one 1-row call per strategy, one after another (unbatched: a naive tick loop), and two
//       more: 100 concurrent 1-row runs (maxBatchRows 1: the worker pipelines them, a stricter
//       baseline) and 100 concurrent 1-row calls that the micro-batcher coalesces;
//   (c) 100 callers scoring while the model is swapped every few ms versus steady state: p99
//       latency, failed runs and results from the wrong model.
// Run: npm run bench:inference. The last line is one JSON object with the figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ResolvedModel } from '../operator/src/api/shard/shard-config.ts';
import { type InferenceOptions, ModelRegistry } from '../runtime/src/inference/index.ts';
import {
  type Fixture,
  golden,
  goldenBatch,
  modelBytes,
  modelSpec,
} from '../test/fixtures/models/models.ts';
import { round, type Series, sequential } from './inference/measure.ts';
import { callersUnderSwaps } from './inference/swap-load.ts';

const BATCH_SIZES = [1, 8, 32, 128, 512];
const SERIES_MS = 300;
const STRATEGIES = 100;
const FLEET_MS = 1_000;
const REPEATS = 3;
const SWAP_MS = 2_000;
const TARGET_RATIO = 10;

const cacheDir = mkdtempSync(join(tmpdir(), 'flotilla-bench-inference-'));
const WIDTH = 5;
const g = golden('direction-gbt');
/** `n` rows cycled from the golden rows (realistic values). */
function rowsOf(n: number): Float32Array {
  const src = goldenBatch(g);
  const out = new Float32Array(n * WIDTH);
  for (let i = 0; i < out.length; i++) out[i] = src[i % src.length] as number;
  return out;
}

async function registryWith(specs: ResolvedModel[], options: Partial<InferenceOptions>) {
  const r = new ModelRegistry({ cacheDir, ...options });
  r.sync(specs);
  await r.settled();
  if (!r.ready()) throw new Error(`models did not load: ${JSON.stringify(r.status())}`);
  return r;
}

const fmt = (s: Series) =>
  `${String(round(s.rowsPerSecond)).padStart(10)} rows/s  p50 ${String(round(s.p50Us, 1)).padStart(7)} us  p99 ${String(round(s.p99Us, 1)).padStart(7)} us`;

async function bySize() {
  const files: Fixture[] = ['direction-logreg', 'direction-gbt', 'direction-mlp'];
  const specs = files.map((f) => modelSpec(f));
  const onnx = await registryWith(specs, { linearMaxRows: 0 });
  const linear = await registryWith([specs[0] as ResolvedModel], { linearMaxRows: 1_000_000 });
  const inProcess = await ort.InferenceSession.create(modelBytes('direction-gbt'), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const out: Record<string, Record<string, Series>> = {};
  try {
    for (const n of BATCH_SIZES) {
      const rows = rowsOf(n);
      const series: Record<string, Series> = {};
      for (const spec of specs) {
        const p = onnx.get(spec);
        series[`onnx_worker_${spec.name.replace('direction-', '')}`] = await sequential(
          () => p?.score(rows, n),
          n,
          SERIES_MS,
        );
      }
      const lp = linear.get(specs[0] as ResolvedModel);
      series.linear_ts_logreg = await sequential(() => lp?.score(rows, n), n, SERIES_MS);
      const feeds = { features: new ort.Tensor('float32', rows, [n, WIDTH]) };
      series.onnx_main_thread_gbt = await sequential(
        () => inProcess.run(feeds, ['probabilities']),
        n,
        SERIES_MS,
      );
      for (const [k, s] of Object.entries(series))
        console.log(`batch ${String(n).padStart(3)}  ${k.padEnd(22)} ${fmt(s)}`);
      out[n] = series;
    }
  } finally {
    await Promise.all([onnx.close(), linear.close(), inProcess.release()]);
  }
  return out;
}

/** Median of `REPEATS` series by rows/s. */
async function median(run: () => Promise<Series>): Promise<Series> {
  const runs: Series[] = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await run());
  runs.sort((a, b) => a.rowsPerSecond - b.rowsPerSecond);
  return runs[Math.floor(REPEATS / 2)] as Series;
}

/** 100 strategies sharing one model: rows/s of a tick loop, three ways (medians of 3). */
async function fleet(file: 'direction-gbt' | 'direction-mlp') {
  const spec = modelSpec(file);
  const rows = rowsOf(STRATEGIES);
  const one = Array.from({ length: STRATEGIES }, (_, i) => rows.slice(i * WIDTH, (i + 1) * WIDTH));
  const batchedReg = await registryWith([spec], { linearMaxRows: 0 });
  const unbatchedReg = await registryWith([spec], {
    linearMaxRows: 0,
    maxBatchRows: 1,
    maxConcurrentRuns: STRATEGIES,
  });
  try {
    const bp = batchedReg.get(spec);
    const up = unbatchedReg.get(spec);
    const batched = await median(() =>
      sequential(() => bp?.score(rows, STRATEGIES), STRATEGIES, FLEET_MS),
    );
    const coalesced = await median(() =>
      sequential(() => Promise.all(one.map((r) => bp?.score(r, 1))), STRATEGIES, FLEET_MS),
    );
    const unbatched = await median(() =>
      sequential(
        async () => {
          for (const r of one) await bp?.score(r, 1);
        },
        STRATEGIES,
        FLEET_MS,
        5,
      ),
    );
    const concurrent = await median(() =>
      sequential(() => Promise.all(one.map((r) => up?.score(r, 1))), STRATEGIES, FLEET_MS),
    );
    const kind = file.replace('direction-', '');
    const x = (a: Series) => `${round(a.rowsPerSecond / unbatched.rowsPerSecond, 1)}x`;
    const y = (a: Series) => `${round(a.rowsPerSecond / concurrent.rowsPerSecond, 1)}x`;
    console.log(
      `${STRATEGIES} strategies sharing one model (${kind}), per tick (per-call figures):`,
    );
    console.log(`  batched    one ${STRATEGIES}-row call               ${fmt(batched)}`);
    console.log(`  coalesced  ${STRATEGIES} concurrent 1-row calls        ${fmt(coalesced)}`);
    console.log(`  unbatched  ${STRATEGIES} 1-row calls, one after another ${fmt(unbatched)}`);
    console.log(`  unbatched  ${STRATEGIES} concurrent 1-row runs        ${fmt(concurrent)}`);
    console.log(
      `  batched: ${x(batched)} one-call-per-strategy, ${y(batched)} concurrent 1-row runs; coalesced: ${x(coalesced)} / ${y(coalesced)}`,
    );
    return { batched, coalesced, unbatched, concurrent };
  } finally {
    await Promise.all([batchedReg.close(), unbatchedReg.close()]);
  }
}

async function swaps(workers: number) {
  const a = modelSpec('direction-mlp', { name: 'direction' });
  const b = modelSpec('direction-gbt', { name: 'direction' });
  const gm = golden('direction-mlp');
  const rows = gm.rows.map((r) => Float32Array.from(r.features));
  const registry = await registryWith([a, b], { linearMaxRows: 0, workers });
  try {
    const expected = new Map<string, number[]>();
    for (const spec of [a, b]) {
      const { digest, scores } = await registry.score(spec, goldenBatch(gm), rows.length);
      expected.set(digest, [...scores]);
    }
    const base = { callers: STRATEGIES, ms: SWAP_MS };
    const steady = await callersUnderSwaps(registry, [a, b], rows, expected, {
      ...base,
      swap: false,
    });
    const swapping = await callersUnderSwaps(registry, [a, b], rows, expected, {
      ...base,
      swap: true,
    });
    for (const [k, s] of Object.entries({ steady, swapping }))
      console.log(
        `${workers} worker(s), ${k.padEnd(8)} ${STRATEGIES} callers (mlp <-> gbt): ${round(s.callsPerSecond)} calls/s, p50 ${round(s.p50Ms, 2)} ms, p99 ${round(s.p99Ms, 2)} ms, swaps ${s.swaps}, failed ${s.failed}, wrong model ${s.wrongModel}, no predictor ${s.noPredictor}`,
      );
    return { steady, swapping };
  } finally {
    await registry.close();
  }
}

const perSizeJson = (sizes: Record<string, Record<string, Series>>) =>
  Object.fromEntries(
    Object.entries(sizes).map(([n, series]) => [
      n,
      Object.fromEntries(
        Object.entries(series).map(([k, v]) => [
          k,
          {
            rows_per_s: round(v.rowsPerSecond),
            p50_us: round(v.p50Us, 1),
            p99_us: round(v.p99Us, 1),
          },
        ]),
      ),
    ]),
  );

async function main() {
  const workers = new ModelRegistry().options.workers;
  console.log(`inference benchmark: ${workers} worker thread(s) by default on this machine`);
  const sizes = await bySize();
  const gbt = await fleet('direction-gbt');
  const mlp = await fleet('direction-mlp');
  const rssBefore = process.memoryUsage().rss;
  const one = await swaps(1);
  const two = await swaps(2);
  const rssGrowthMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  console.log(`RSS growth over the swap runs: ${round(rssGrowthMiB, 1)} MiB`);
  const ratio = (f: typeof gbt, k: 'batched' | 'coalesced', base: 'unbatched' | 'concurrent') =>
    round(f[k].rowsPerSecond / f[base].rowsPerSecond, 1);
  const worst = Math.min(ratio(gbt, 'batched', 'unbatched'), ratio(mlp, 'batched', 'unbatched'));
  console.log(
    `batched vs one call per strategy: gbt ${ratio(gbt, 'batched', 'unbatched')}x, mlp ${ratio(mlp, 'batched', 'unbatched')}x (target >= ${TARGET_RATIO}: ${worst >= TARGET_RATIO ? 'met' : 'NOT met'}); vs concurrent 1-row runs: gbt ${ratio(gbt, 'batched', 'concurrent')}x, mlp ${ratio(mlp, 'batched', 'concurrent')}x`,
  );
  const runs = [one.steady, one.swapping, two.steady, two.swapping];
  console.log(
    JSON.stringify({
      batch_sizes: perSizeJson(sizes),
      batched_vs_unbatched: worst,
      batched_vs_unbatched_gbt: ratio(gbt, 'batched', 'unbatched'),
      batched_vs_unbatched_mlp: ratio(mlp, 'batched', 'unbatched'),
      batched_vs_concurrent_runs_gbt: ratio(gbt, 'batched', 'concurrent'),
      batched_vs_concurrent_runs_mlp: ratio(mlp, 'batched', 'concurrent'),
      coalesced_vs_unbatched_gbt: ratio(gbt, 'coalesced', 'unbatched'),
      coalesced_vs_unbatched_mlp: ratio(mlp, 'coalesced', 'unbatched'),
      batched_rows_per_s_gbt: round(gbt.batched.rowsPerSecond),
      unbatched_rows_per_s_gbt: round(gbt.unbatched.rowsPerSecond),
      concurrent_runs_rows_per_s_gbt: round(gbt.concurrent.rowsPerSecond),
      batched_rows_per_s_mlp: round(mlp.batched.rowsPerSecond),
      unbatched_rows_per_s_mlp: round(mlp.unbatched.rowsPerSecond),
      concurrent_runs_rows_per_s_mlp: round(mlp.concurrent.rowsPerSecond),
      steady_p99_ms: round(one.steady.p99Ms, 3),
      swap_p99_ms: round(one.swapping.p99Ms, 3),
      steady_p99_ms_2_workers: round(two.steady.p99Ms, 3),
      swap_p99_ms_2_workers: round(two.swapping.p99Ms, 3),
      swaps: one.swapping.swaps + two.swapping.swaps,
      swap_calls: one.swapping.calls + two.swapping.calls,
      swap_failed_runs: runs.reduce((n, r) => n + r.failed, 0),
      swap_wrong_model: runs.reduce((n, r) => n + r.wrongModel, 0),
      swap_no_predictor: runs.reduce((n, r) => n + r.noPredictor, 0),
      rss_growth_mib_over_swaps: round(rssGrowthMiB, 1),
    }),
  );
}

try {
  await main();
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
