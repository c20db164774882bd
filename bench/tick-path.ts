// Benchmark of the runner's tick path against a real redis-server it starts itself:
//   (a) the ceiling: bare XREADGROUP + XACK of the same ticks (same batch size, one group), on
//       the runner's own reader and commit, so the runner cannot outrun it;
//   (b) the runner: 100 strategies over 20 instruments with shared linear models;
//   (c) a naive baseline (bench/tick-path/naive.ts) on the same read and commit path;
//   (a0) for reference, the ceiling with a plain ioredis 6 client.
// Throughput drains a pre-loaded backlog (5 rounds of a, b, c, fresh consumer groups, medians);
// latency is measured at a fixed offered load published by `flotilla feed`; memory is RSS after
// runners of 10, 100 and 1,000 strategies consume the same live ticks (per added strategy: the
// slope from 10 to 1,000). Every measurement runs in a fresh Node process.
// Run: npm run bench:tick-path. The last line is one JSON object with the figures.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { marketTicks } from '../runtime/src/feed/market.ts';
import { publishTicks } from '../runtime/src/feed/publisher.ts';
import { startRedis } from '../test/harness/redis.ts';
import { type DrainResult, rateOf, WARMUP_SHARE } from './tick-path/drains.ts';
import {
  buildFleet,
  describeFleet,
  INSTRUMENTS,
  MODELS,
  TICKS_START_TS,
} from './tick-path/fleet.ts';
import { feed, type LatencyResult } from './tick-path/latency.ts';
import type { Job, Memory } from './tick-path/worker.ts';

const TICKS_PER_INSTRUMENT = 10_000;
const TOTAL = TICKS_PER_INSTRUMENT * INSTRUMENTS.length;
const ROUNDS = 5;
/** The naive baseline drains for at most this long per run (its rate is what counts). */
const NAIVE_MAX_MS = 8_000;
const LIVE_RATE = 5_000;
const LIVE_SECONDS = 10;
const FEW = 10;
/** A larger fleet: the slope from 100 to MANY separates per-strategy memory from fixed costs. */
const MANY = 1_000;
const MEMORY_SECONDS = 5;
/** Runners per fleet size in the memory run (all at once: 3 x 3 processes). */
const MEMORY_ROUNDS = 3;
const WORKER_TIMEOUT_MS = 120_000;
const TARGETS = { bOverA: 0.6, bOverC: 10, p99Ms: 5, rssKiBPerStrategy: 64 };

const WORKER = fileURLToPath(new URL('./tick-path/worker.ts', import.meta.url));
/** Workers still running: killed if the benchmark stops early. */
const children = new Set<ChildProcess>();

function spawnWorker(flags: string[], job: Job, stdin: 'pipe' | 'ignore'): ChildProcess {
  const child = spawn(process.execPath, [...flags, '--expose-gc', WORKER, JSON.stringify(job)], {
    stdio: [stdin, 'pipe', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round = (x: number, digits = 0) => +x.toFixed(digits);
const thousands = (x: number) => Math.round(x).toLocaleString('en-US');

/**
 * V8 sizes the young generation by allocation rate (up to 3 x 16 MB here): pinned for the
 * memory runs, or a runner that allocates faster shows that growth as per-strategy memory.
 */
const MEMORY_FLAGS = ['--min-semi-space-size=16', '--max-semi-space-size=16'];

/** A job that reports {"ready":true} first, then runs until `finish` asks it to stop. */
function startLive<T>(job: Job): { ready: Promise<void>; finish: () => Promise<T> } {
  const child = spawnWorker(MEMORY_FLAGS, job, 'pipe');
  let out = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
    if (out.includes('{"ready":true}')) onReady();
  });
  const result = new Promise<T>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0)
        return reject(new Error(`${job.kind} worker failed (exit ${code}, signal ${signal})`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T);
    });
  });
  result.catch(onReady); // a worker that dies before it is ready must not hang the wait for it
  return {
    ready,
    finish: () => {
      child.stdin?.end('stop\n');
      return result;
    },
  };
}

/** Runs one job in a fresh process and returns the JSON line it prints. */
function work<T>(job: Job): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawnWorker([], job, 'ignore');
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_TIMEOUT_MS);
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0)
        return reject(new Error(`${job.kind} worker failed (exit ${code}, signal ${signal})`));
      resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T);
    });
  });
}

/** The synthetic market's ticks, published flat out: the backlog every drain reads. */
async function preload(url: string): Promise<number> {
  const redis = new Redis(url);
  const ticks = marketTicks(INSTRUMENTS, {
    seed: 1,
    startTs: TICKS_START_TS,
    ticksPerInstrument: TICKS_PER_INSTRUMENT,
  });
  function* feed() {
    for (const t of ticks) yield { ...t, cid: `${t.instrument}-${t.seq}` };
  }
  const result = await publishTicks(redis, feed(), { rate: 0 });
  await redis.quit();
  return result.ratePerSecond;
}

async function main() {
  const fleet = describeFleet(buildFleet().config);
  console.log(
    `fleet: ${fleet.strategies} strategies (${fleet.modelStrategies} scored by one of ${MODELS} shared linear models, ${fleet.rulesOnly} rules-only) on ${fleet.instruments} instruments, ${fleet.members} strategy-instrument pairs; one tick on every instrument = ${fleet.members} decisions, ${fleet.featureUpdates} feature updates for ${fleet.featureReads} feature reads`,
  );
  const redis = await startRedis();
  const stopWorkers = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  const stop = () => {
    stopWorkers();
    void redis.stop().then(() => process.exit(130));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    const publishRate = await preload(redis.url);
    console.log(`pre-loaded ${thousands(TOTAL)} ticks (XADD at ${thousands(publishRate)}/s)`);
    const bare: DrainResult[] = [];
    const runner: DrainResult[] = [];
    const naive: DrainResult[] = [];
    const plainClient: DrainResult[] = [];
    const base = { redisUrl: redis.url, expected: TOTAL };
    for (let i = 0; i < ROUNDS; i++) {
      plainClient.push(await work({ kind: 'ioredis', namespace: `bench-a0${i}`, ...base }));
      bare.push(await work({ kind: 'bare', namespace: `bench-a${i}`, ...base }));
      runner.push(await work({ kind: 'runner', namespace: `bench-b${i}`, ...base }));
      naive.push(
        await work({ kind: 'naive', namespace: `bench-c${i}`, maxMs: NAIVE_MAX_MS, ...base }),
      );
      const [ra, rb, rc, ra0] = [bare, runner, naive, plainClient].map((xs) =>
        rateOf(xs[i] as DrainResult),
      );
      console.log(
        `round ${i + 1}/${ROUNDS}: (a) ${thousands(ra ?? 0)}  (b) ${thousands(rb ?? 0)}  (c) ${thousands(rc ?? 0)}  (a0) ${thousands(ra0 ?? 0)} ticks/s  b/a ${round((rb ?? 0) / (ra ?? 1), 2)}`,
      );
    }

    const live = await work<LatencyResult>({
      kind: 'latency',
      redisUrl: redis.url,
      namespace: 'bench-live',
      rate: LIVE_RATE,
      seconds: LIVE_SECONDS,
    });
    console.log(
      `live at ${thousands(LIVE_RATE)}/s: p50 ${live.p50} ms, p99 ${live.p99} ms (event-loop delay p99 ${round(live.loopDelayP99, 1)} ms)`,
    );

    // Memory: runners of 10, 100 and 1000 strategies, MEMORY_ROUNDS of each, all consuming the
    // same live ticks at once, then measured after a full collection.
    const memory = Array.from({ length: MEMORY_ROUNDS }, (_, i) =>
      [FEW, fleet.strategies, MANY].map((strategies) => ({
        strategies,
        worker: startLive<Memory & { ticks: number }>({
          kind: 'memory',
          redisUrl: redis.url,
          namespace: `bench-m${i}-${strategies}`,
          strategies,
        }),
      })),
    ).flat();
    await Promise.all(memory.map((m) => m.worker.ready));
    await feed(redis.url, LIVE_RATE, MEMORY_SECONDS);
    const memoryResults = await Promise.all(
      memory.map(async (m) => ({ strategies: m.strategies, ...(await m.worker.finish()) })),
    );
    const rssOf = (n: number) =>
      median(memoryResults.filter((m) => m.strategies === n).map((m) => m.rssKiB));
    const heapOf = (n: number) =>
      median(memoryResults.filter((m) => m.strategies === n).map((m) => m.heapUsedKiB));
    const added = fleet.strategies - FEW;
    const [rss10, rss100, rssMany] = [rssOf(FEW), rssOf(fleet.strategies), rssOf(MANY)];
    // The target's figure is over the whole range: RSS moves by whole MB between identical
    // runners, the size of 90 strategies' worth at 64 KiB, but a small part of 990 strategies'.
    const rssPer = (rssMany - rss10) / (MANY - FEW);
    const heapPer = (heapOf(MANY) - heapOf(FEW)) / (MANY - FEW);
    const rssFew = (rss100 - rss10) / added;
    const heapFew = (heapOf(fleet.strategies) - heapOf(FEW)) / added;
    const rssSlope = (rssMany - rss100) / (MANY - fleet.strategies);
    const heapSlope = (heapOf(MANY) - heapOf(fleet.strategies)) / (MANY - fleet.strategies);

    const a = median(bare.map(rateOf));
    const a0 = median(plainClient.map(rateOf));
    const b = median(runner.map(rateOf));
    const c = median(naive.map(rateOf));
    const perTickUs = (rs: DrainResult[]) =>
      median(rs.map((r) => (r.cpuMs * 1_000) / r.timedTicks));
    const drops = runner.reduce((n, r) => n + r.drops, 0);
    const decisions = median(runner.map((r) => r.decisions));
    const signals = median(runner.map((r) => r.signals));
    const rows: [string, string][] = [
      ['(a) ceiling: XREADGROUP + XACK, no work', `${thousands(a)} ticks/s`],
      ['(a0) the same through ioredis 6 (reference)', `${thousands(a0)} ticks/s`],
      ['(b) runner, 100 strategies', `${thousands(b)} ticks/s`],
      ['(c) naive baseline, 100 strategies', `${thousands(c)} ticks/s`],
      [`b / a (target >= ${TARGETS.bOverA})`, `${round(b / a, 2)}`],
      [`b / c (target >= ${TARGETS.bOverC})`, `${round(b / c, 1)}`],
      ['b / a0', `${round(b / a0, 2)}`],
      [
        'CPU per tick: a / b / c / a0',
        `${round(perTickUs(bare), 1)} / ${round(perTickUs(runner), 1)} / ${round(perTickUs(naive), 1)} / ${round(perTickUs(plainClient), 1)} us`,
      ],
      [
        'b: decisions, signals per drain',
        `${thousands(decisions)}, ${thousands(signals)} (${round((100 * signals) / decisions, 2)}% of decisions); ${drops} dropped`,
      ],
      [
        `tick latency at ${thousands(LIVE_RATE)}/s: p50 / p99 / max`,
        `${live.p50} / ${live.p99} / ${live.max} ms (${thousands(live.ticks)} ticks timed, ${live.drops} dropped)`,
      ],
      [
        'tick-to-signal at the same load: p50 / p99',
        `${live.signalP50} / ${live.signalP99} ms (${thousands(live.signals)} signals)`,
      ],
      [
        `RSS after ${MEMORY_SECONDS} s live, ${FEW} / ${fleet.strategies} / ${MANY} strategies`,
        `${thousands(rss10)} / ${thousands(rss100)} / ${thousands(rssMany)} KiB`,
      ],
      [
        `RSS per added strategy, ${FEW} -> ${MANY} (target <= ${TARGETS.rssKiBPerStrategy})`,
        `${round(rssPer, 1)} KiB (heap used: ${round(heapPer, 1)} KiB)`,
      ],
      [
        `RSS per added strategy, ${FEW} -> ${fleet.strategies}`,
        `${round(rssFew, 1)} KiB (heap used: ${round(heapFew, 1)} KiB)`,
      ],
      [
        `RSS per added strategy, ${fleet.strategies} -> ${MANY}`,
        `${round(rssSlope, 1)} KiB (heap used: ${round(heapSlope, 1)} KiB)`,
      ],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(
      `\nmedians of ${ROUNDS} rounds; rates exclude the first ${WARMUP_SHARE * 100}% of each drain (setup, JIT warm-up)`,
    );
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);

    const result = {
      ticks_per_s: round(b),
      ceiling_ticks_per_s: round(a),
      ioredis_ceiling_ticks_per_s: round(a0),
      naive_ticks_per_s: round(c),
      b_over_a: round(b / a, 3),
      b_over_c: round(b / c, 2),
      b_over_a0: round(b / a0, 3),
      cpu_us_per_tick: {
        a: round(perTickUs(bare), 2),
        b: round(perTickUs(runner), 2),
        c: round(perTickUs(naive), 2),
        a0: round(perTickUs(plainClient), 2),
      },
      p50_ms_at_5k: live.p50,
      p99_ms_at_5k: live.p99,
      tick_to_signal_p99_ms_at_5k: live.signalP99,
      rss_kib_per_strategy: round(rssPer, 1),
      heap_kib_per_strategy: round(heapPer, 1),
      rss_kib_per_strategy_10_to_100: round(rssFew, 1),
      heap_kib_per_strategy_10_to_100: round(heapFew, 1),
      rss_kib_per_strategy_100_to_1000: round(rssSlope, 1),
      heap_kib_per_strategy_100_to_1000: round(heapSlope, 1),
      signals_per_decision: round(signals / decisions, 4),
      drops_in_drain: drops,
      drops_at_5k: live.drops,
      targets_met: {
        b_over_a: b / a >= TARGETS.bOverA,
        b_over_c: b / c >= TARGETS.bOverC,
        p99_ms_at_5k: live.p99 <= TARGETS.p99Ms,
        rss_kib_per_strategy: rssPer <= TARGETS.rssKiBPerStrategy,
      },
    };
    console.log(JSON.stringify(result));
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    stopWorkers();
    await redis.stop();
  }
}

await main();
