// The ledger's thread: migrations, the outbox shipper with the paper broker that executes each
// batch's tape, and the spooling ClickHouse writer run here, on an event loop of their own, so the
// broker, encoding rows and talking to ClickHouse never delay the runner's tick loop (bench/ledger
// measures the difference). The runner's thread only puts each batch's decisions and tape into
// the outbox in its commit. Messages to the parent: `migrated`, `state` (back-pressure and
// counters, on change and every 250 ms) and `stopped` (final counters).
import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { ledgerClient } from '../forensics/ledger-client.ts';
import { ledgerBackpressure } from './backpressure.ts';
import { migrateLedger } from './migrate.ts';
import type { RunnerLedgerOptions } from './open-runner-ledger.ts';
import { OutboxShipper } from './outbox-shipper.ts';
import { LEDGER_THREAD_NICENESS, lowerThreadPriority } from './thread-priority.ts';
import { LedgerWriter } from './writer.ts';

/** The runner ledger's options as the thread gets them: defaults applied, the logger's level. */
export type ShipperThreadData = Pick<
  RunnerLedgerOptions,
  | 'clickhouseUrl'
  | 'database'
  | 'spoolDir'
  | 'redisUrl'
  | 'outbox'
  | 'deadLetters'
  | 'shard'
  | 'consumer'
> &
  Required<Pick<RunnerLedgerOptions, 'flushIntervalMs' | 'outboxMaxEntries'>> & {
    logLevel: string;
  };

export type ShipperThreadMessage =
  | { type: 'migrated' }
  | { type: 'state'; backpressure: boolean; counters: ShipperCounters }
  | { type: 'stopped'; counters: ShipperCounters };

export type ShipperCounters = LedgerWriter['counters'] & {
  /** Outbox entries shipped so far (dead-lettered ones included). */
  outboxEntries: number;
  /** Outbox entries whose rows could not be decoded, moved to the dead-letter stream. */
  outboxDeadLettered: number;
  /** Entries in the outbox when last measured (every 250 ms): committed, not yet shipped. */
  outboxLength: number;
};

const data = workerData as ShipperThreadData;
const port = parentPort;
if (!port) throw new Error('shipper-thread.ts runs as a worker thread');
const log = pino({ level: data.logLevel, base: { component: 'ledger-shipper' } });
if (!lowerThreadPriority(LEDGER_THREAD_NICENESS))
  log.debug("could not lower the ledger thread's priority");
const client = ledgerClient(data.clickhouseUrl);
let closed = false;
let outboxLength = 0;
let lastBackpressure = false;
// Back-pressure reaches the runner as it changes: when the writer's spool fills or drains, and
// when a measure of the outbox crosses its bound; the running totals go every 250 ms.
const postState = () =>
  port.postMessage({ type: 'state', backpressure: lastBackpressure, counters: counters() });
const postIfChanged = () => {
  const now = backpressure();
  if (now === lastBackpressure) return;
  lastBackpressure = now;
  postState();
};
const writer = await LedgerWriter.open({
  client,
  spoolDir: data.spoolDir,
  database: data.database,
  flushIntervalMs: data.flushIntervalMs,
  log,
  onBackpressure: postIfChanged, // only ever after a write(), so after open() returned
});
const redis = new Redis(data.redisUrl, {
  maxRetriesPerRequest: null,
  connectionName: `${data.consumer}-ledger`,
});
redis.on('error', (err) => log.warn({ err }, 'ledger redis connection error'));
const shipper = new OutboxShipper({
  redis,
  stream: data.outbox,
  deadLetterStream: data.deadLetters,
  shard: data.shard,
  consumer: data.consumer,
  write: (rows) => writer.write(rows),
  log,
});
function counters(): ShipperCounters {
  return {
    ...writer.counters,
    outboxEntries: shipper.counters.entries,
    outboxDeadLettered: shipper.counters.deadLettered,
    outboxLength,
  };
}
function backpressure(): boolean {
  return ledgerBackpressure({
    spoolFull: writer.backpressure,
    outboxEntries: outboxLength,
    outboxMaxEntries: data.outboxMaxEntries,
  });
}

let measuring = false;
const report = setInterval(() => {
  lastBackpressure = backpressure();
  postState();
  if (measuring) return; // the last XLEN still waits (Redis away): one at a time
  measuring = true;
  redis
    .xlen(data.outbox)
    .then((n) => {
      outboxLength = n;
      postIfChanged();
    })
    .catch(() => undefined) // the connection's error handler logs it
    .finally(() => {
      measuring = false;
    });
}, 250);

const migrating = (async () => {
  for (let attempt = 0; !closed; attempt++) {
    try {
      const { applied } = await migrateLedger(client, data.database);
      log.info({ database: data.database, applied }, 'ledger schema current');
      port.postMessage({ type: 'migrated' });
      shipper.start();
      return;
    } catch (err) {
      log.warn({ err, attempt }, 'ledger migration failed; retrying');
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 5_000)));
    }
  }
})();

port.on('message', async (m: { type: 'stop' }) => {
  if (m.type !== 'stop' || closed) return;
  closed = true;
  await migrating;
  await shipper.stop();
  await writer.close();
  await client.close();
  redis.disconnect();
  clearInterval(report);
  port.postMessage({ type: 'stopped', counters: counters() });
  port.close();
});
