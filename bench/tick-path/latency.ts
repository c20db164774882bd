// Tick latency at a fixed offered load: the runner (default latency budget, so it sheds as it
// would in production) consumes live while `flotilla feed` publishes from its own process at a
// paced rate. Tick latency is commit time (us) minus the tick's Redis entry time (subMsLatency);
// tick-to-signal is read back from Redis afterwards (signal entry time minus tick entry time,
// whole ms). Ticks of the first WARMUP_MS of the feed are not counted: a runner
// runs for days, and its first second (JIT warm-up) is not its latency.
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { runnerKeys } from '../../operator/src/api/shard/redis-keys.ts';
import { toEntries } from '../../runtime/src/ingest/stream-replies.ts';
import { openRunnerLedger } from '../../runtime/src/ledger/open-runner-ledger.ts';
import { Runner } from '../../runtime/src/runner/runner.ts';
import { RunnerMetrics } from '../../runtime/src/server/metrics.ts';
import { decodeSignal, signalStream } from '../../runtime/src/signals/signal-format.ts';
import { type Fleet, INSTRUMENTS } from './fleet.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WARMUP_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idMs = (id: string) => Number(id.slice(0, id.indexOf('-')));

/**
 * A tick's latency with the commit time in microseconds: the runner's own measure takes both
 * ends in whole ms, so a p99 moves by a whole ms at a time. The entry time is Redis's, in whole
 * ms (the id), so a tick entered on average half a ms after it: that half is taken off.
 */
export function subMsLatency(entryMs: number, nowMs = performance.timeOrigin + performance.now()) {
  return nowMs - entryMs - 0.5;
}

const hundredths = (ms: number) => Math.round(ms * 100) / 100;

/** Nearest-rank quantile. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

/** Runs `flotilla feed` (its own process) at `rate` ticks/s for `seconds`; returns the total. */
export async function feed(redisUrl: string, rate: number, seconds: number): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      ...['cli/main.ts', 'feed', '--redis-url', redisUrl, '--instruments', INSTRUMENTS.join(',')],
      ...['--rate', String(rate), '--duration', `${seconds}s`, '--seed', '2', '--json'],
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`flotilla feed exited with ${code}:\n${err}`);
  return (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { total: number }).total;
}

/**
 * Each committed tick's entry time and latency, in typed arrays sized for the run up front: the
 * measured process is the runner's, and two number[] growing by push reallocated about 8 MB of
 * backing stores in a run, straight into its old generation.
 */
class TickSamples {
  length = 0;
  #entries: Float64Array;
  #latencies: Float64Array;

  constructor(capacity: number) {
    this.#entries = new Float64Array(capacity);
    this.#latencies = new Float64Array(capacity);
  }

  add(entryMs: number, latencyMs: number): void {
    if (this.length === this.#entries.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.#entries = grow(this.#entries);
      this.#latencies = grow(this.#latencies);
    }
    this.#entries[this.length] = entryMs;
    this.#latencies[this.length++] = latencyMs;
  }

  entries(): Float64Array {
    return this.#entries.subarray(0, this.length);
  }

  latencies(): Float64Array {
    return this.#latencies.subarray(0, this.length);
  }
}

export interface LatencyResult {
  /** Ticks the feed published, and the runner committed. */
  published: number;
  committed: number;
  /** Ticks after the warm-up, whose latencies the quantiles are of (ms). */
  ticks: number;
  p50: number;
  p99: number;
  max: number;
  /** Signals of those ticks, and their tick-to-signal quantiles (ms). */
  signals: number;
  signalP50: number;
  signalP99: number;
  drops: number;
  batches: number;
  /** Event-loop delay of the runner's process over the run (ms). */
  loopDelayP99: number;
  loopDelayMax: number;
  /** With a ledger: rows written to ClickHouse, and rows that went through the spool. */
  ledgerRows?: number;
  ledgerSpooled?: number;
}

/** Where the runner keeps its ledger in a run that has one (bench/ledger.ts). */
export interface LedgerJob {
  clickhouseUrl: string;
  database: string;
  spoolDir: string;
}

export async function measureLatency(
  job: { redisUrl: string; namespace: string; rate: number; seconds: number; ledger?: LedgerJob },
  fleet: Fleet,
): Promise<LatencyResult> {
  const log = pino({ level: 'silent' });
  const ledger = job.ledger
    ? await openRunnerLedger({
        clickhouseUrl: job.ledger.clickhouseUrl,
        database: job.ledger.database,
        spoolDir: job.ledger.spoolDir,
        redisUrl: job.redisUrl,
        outbox: runnerKeys(job.namespace, 0).ledgerOutbox,
        deadLetters: runnerKeys(job.namespace, 0).deadLetters,
        shard: 0,
        consumer: 'bench-live',
        log,
      })
    : undefined;
  while (ledger && !ledger.migrated) await sleep(20);
  // Entry time (ms) and latency of each committed tick.
  const ticks = new TickSamples(Math.ceil(job.rate * (job.seconds + WARMUP_MS / 1_000) * 1.25));
  const runner = new Runner({
    redisUrl: job.redisUrl,
    namespace: job.namespace,
    shard: 0,
    consumer: 'bench-live',
    predictors: fleet.predictors,
    metrics: new RunnerMetrics(),
    log,
    ...(ledger ? { ledger: ledger.ledger } : {}),
    onTickLatency: (_, entryMs) => {
      ticks.add(entryMs, subMsLatency(entryMs));
    },
  });
  runner.setConfig(fleet.config);
  await runner.start();
  while (runner.generation < 0) await sleep(10);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const published = await feed(job.redisUrl, job.rate, WARMUP_MS / 1_000 + job.seconds);
  for (let waited = 0; ticks.length < published && waited < 10_000; waited += 20) await sleep(20);
  loop.disable();
  await runner.stop();
  // With a ledger: wait until every committed batch's rows are in ClickHouse.
  const outbox = runnerKeys(job.namespace, 0).ledgerOutbox;
  const control = new Redis(job.redisUrl);
  for (let waited = 0; ledger && waited < 30_000; waited += 50) {
    if ((await control.xlen(outbox)) === 0) break;
    await sleep(50);
  }
  await control.quit();
  await ledger?.close();
  const ledgerCounters = ledger?.counters();
  const entries = ticks.entries();
  const latencies = ticks.latencies();
  const startMs = entries.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY) + WARMUP_MS;
  const timed = latencies.filter((_, i) => (entries[i] as number) >= startMs);

  const redis = new Redis(job.redisUrl);
  const toSignal: number[] = [];
  for (const s of fleet.config.strategies) {
    const signals = toEntries(await redis.call('XRANGE', signalStream(s.name), startMs, '+'));
    for (const e of signals) {
      const entry = decodeSignal(e.fields ?? []).entry ?? '';
      if (idMs(entry) >= startMs) toSignal.push(idMs(e.id) - idMs(entry));
    }
  }
  await redis.quit();
  return {
    published,
    committed: ticks.length,
    ticks: timed.length,
    p50: hundredths(quantile(timed, 0.5)),
    p99: hundredths(quantile(timed, 0.99)),
    max: hundredths(quantile(timed, 1)),
    signals: toSignal.length,
    signalP50: quantile(toSignal, 0.5),
    signalP99: quantile(toSignal, 0.99),
    drops: runner.totals.drops,
    batches: runner.totals.batches,
    loopDelayP99: loop.percentile(99) / 1e6,
    loopDelayMax: loop.max / 1e6,
    ...(ledgerCounters
      ? { ledgerRows: ledgerCounters.rowsWritten, ledgerSpooled: ledgerCounters.rowsSpooled }
      : {}),
  };
}
