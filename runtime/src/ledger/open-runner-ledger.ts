// The runner's ledger, opened: the paper broker and decision records (RunnerLedger), the writer
// into ClickHouse with its local spool, and the shipper that moves committed rows from the
// shard's outbox stream into the writer. Migrations run first; while ClickHouse is unreachable
// they are retried in the background and rows wait in the outbox (in Redis, with the ticks).
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { PaperBroker } from '../execution/paper-broker.ts';
import { ledgerClient } from '../forensics/ledger-client.ts';
import { migrateLedger } from './migrate.ts';
import { OutboxShipper } from './outbox-shipper.ts';
import { RunnerLedger } from './runner-ledger.ts';
import { LedgerWriter } from './writer.ts';

export interface RunnerLedgerOptions {
  clickhouseUrl: string;
  database: string;
  spoolDir: string;
  redisUrl: string;
  outbox: string;
  consumer: string;
  log: Logger;
}

export interface OpenRunnerLedger {
  ledger: RunnerLedger;
  client: ReturnType<typeof ledgerClient>;
  /** True once the schema is current (rows ship from then on). */
  readonly migrated: boolean;
  close(): Promise<void>;
}

export async function openRunnerLedger(o: RunnerLedgerOptions): Promise<OpenRunnerLedger> {
  const client = ledgerClient(o.clickhouseUrl);
  const writer = await LedgerWriter.open({
    client,
    spoolDir: o.spoolDir,
    database: o.database,
    log: o.log,
  });
  const redis = new Redis(o.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    connectionName: `${o.consumer}-ledger`,
  });
  redis.on('error', (err) => o.log.warn({ err }, 'ledger redis connection error'));
  redis.connect().catch(() => undefined);
  const shipper = new OutboxShipper({
    redis,
    stream: o.outbox,
    consumer: o.consumer,
    write: (rows) => writer.write(rows),
    log: o.log,
  });
  let migrated = false;
  let closed = false;
  const migrate = async () => {
    for (let attempt = 0; !closed; attempt++) {
      try {
        const { applied } = await migrateLedger(client, o.database);
        migrated = true;
        o.log.info({ database: o.database, applied }, 'ledger schema current');
        shipper.start();
        return;
      } catch (err) {
        o.log.warn({ err, attempt }, 'ledger migration failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 5_000)));
      }
    }
  };
  const migrating = migrate();
  return {
    ledger: new RunnerLedger(new PaperBroker(), () => writer.whenWritable()),
    client,
    get migrated() {
      return migrated;
    },
    async close() {
      closed = true;
      await migrating;
      await shipper.stop();
      await writer.close();
      await client.close();
      redis.disconnect();
    },
  };
}
