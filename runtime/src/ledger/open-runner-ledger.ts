// The runner's ledger, opened: decision records and the tape (RunnerLedger) on the runner's
// thread, and the rest on a worker thread of its own (shipper-thread.ts): migrations, the outbox
// shipper with the paper broker that executes the tapes, and the spooling writer into
// ClickHouse. While ClickHouse is unreachable migrations are retried there and rows wait in the
// outbox (in Redis, with the ticks) or the spool; a full spool, or an outbox of
// `outboxMaxEntries`, holds the runner's reads (back-pressure). A thread that exits on its own
// (a bug, running out of its heap) is started again (supervised-worker.ts).
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { ledgerClient } from '../forensics/ledger-client.ts';
import { DEFAULT_OUTBOX_MAX_ENTRIES } from './backpressure.ts';
import { RunnerLedger } from './runner-ledger.ts';
import type { ShipperCounters, ShipperThreadData, ShipperThreadMessage } from './shipper-thread.ts';
import { SupervisedWorker } from './supervised-worker.ts';

export interface RunnerLedgerOptions {
  clickhouseUrl: string;
  database: string;
  spoolDir: string;
  redisUrl: string;
  outbox: string;
  /** The shard's dead-letter stream (undecodable outbox entries go there), and its shard. */
  deadLetters: string;
  shard: number;
  consumer: string;
  /** Called with the shipper thread's state (back-pressure, running totals) as it changes. */
  onState?: (backpressure: boolean, counters: ShipperCounters) => void;
  /** How long rows gather before an insert, ms: fewer, larger inserts cost ClickHouse and the
   * runner's machine less per row (bench/ledger: 250 ms doubled the tick p99 that 1 s gave; 2 s
   * was within the noise of 1 s, with half the parts for ClickHouse to merge). @default 2000 */
  flushIntervalMs?: number;
  /** Outbox entries (committed, not yet shipped) at which the runner stops reading ticks until
   * the shipper catches up; checked every 250 ms, so a busy runner may pass it by that much.
   * @default 20000 */
  outboxMaxEntries?: number;
  log: Logger;
}

export interface OpenRunnerLedger {
  ledger: RunnerLedger;
  /** A client for reads (forensics); writes happen on the shipper thread. */
  client: ReturnType<typeof ledgerClient>;
  /** True once the schema is current (rows ship from then on). */
  readonly migrated: boolean;
  /** Rows written to ClickHouse, spooled and replayed; outbox entries shipped (final after close),
   * over every shipper thread this ledger ran. */
  counters(): ShipperCounters | undefined;
  close(): Promise<void>;
}

/** The totals over every thread: the earlier threads' plus this one's (the outbox length is now). */
export function runningTotals(
  earlier: ShipperCounters | undefined,
  current: ShipperCounters | undefined,
): ShipperCounters | undefined {
  if (!earlier || !current) return current ?? earlier;
  const sum = { ...current };
  for (const k of Object.keys(sum) as (keyof ShipperCounters)[])
    if (k !== 'outboxLength') sum[k] += earlier[k];
  return sum;
}

const THREAD_URL = new URL('./shipper-thread.ts', import.meta.url);

export async function openRunnerLedger(o: RunnerLedgerOptions): Promise<OpenRunnerLedger> {
  const data: ShipperThreadData = {
    clickhouseUrl: o.clickhouseUrl,
    database: o.database,
    spoolDir: o.spoolDir,
    redisUrl: o.redisUrl,
    outbox: o.outbox,
    deadLetters: o.deadLetters,
    shard: o.shard,
    consumer: o.consumer,
    flushIntervalMs: o.flushIntervalMs ?? 2_000,
    outboxMaxEntries: o.outboxMaxEntries ?? DEFAULT_OUTBOX_MAX_ENTRIES,
    logLevel: o.log.level,
  };
  let migrated = false;
  let backpressure = false;
  // Running totals of this thread, and of the threads before it (a new one counts from 0).
  let counters: ShipperCounters | undefined;
  let earlier: ShipperCounters | undefined;
  const totals = () => runningTotals(earlier, counters);
  let writable: (() => void)[] = [];
  let stopped: (() => void) | undefined;
  const shipper = new SupervisedWorker({
    start: () => {
      const thread = new Worker(THREAD_URL, { workerData: data });
      thread.on('message', (m: ShipperThreadMessage) => {
        if (m.type === 'migrated') migrated = true;
        else if (m.type === 'state') {
          counters = m.counters;
          backpressure = m.backpressure;
          o.onState?.(backpressure, totals() as ShipperCounters);
          if (!backpressure) for (const resolve of writable.splice(0)) resolve();
        } else {
          counters = m.counters;
          stopped?.();
        }
      });
      thread.on('error', (err) => o.log.error({ err }, 'ledger shipper thread failed'));
      thread.once('exit', () => {
        earlier = totals();
        counters = undefined;
      });
      return thread;
    },
    // Its entries in hand stay pending in the outbox: the next thread ships them first.
    onExit: (code, delayMs) =>
      o.log.error({ code, delayMs }, 'ledger shipper thread exited; starting it again'),
  });
  const client = ledgerClient(o.clickhouseUrl);
  return {
    ledger: new RunnerLedger(() =>
      backpressure ? new Promise<void>((r) => writable.push(r)) : Promise.resolve(),
    ),
    client,
    get migrated() {
      return migrated;
    },
    counters: totals,
    async close() {
      await shipper.stop(async (thread) => {
        const done = new Promise<void>((r) => {
          stopped = r;
        });
        thread.postMessage({ type: 'stop' });
        await Promise.race([done, new Promise((r) => thread.once('exit', r))]);
        await thread.terminate();
      });
      for (const resolve of writable.splice(0)) resolve();
      writable = [];
      await client.close();
    },
  };
}
