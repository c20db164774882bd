// The ledger's hold on the runner's reads when the outbox fills, against a real redis-server:
// with ClickHouse unreachable no migration runs and nothing ships, so committed rows pile up
// in the outbox (in Redis, beside the ticks). At `outboxMaxEntries` the ledger stops taking
// more (the runner awaits whenWritable() before each read) and reports it; once the outbox is
// below the bound again, reads go on.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { openRunnerLedger } from '../../../runtime/src/ledger/open-runner-ledger.ts';
import type { ShipperCounters } from '../../../runtime/src/ledger/shipper-thread.ts';
import { eventually } from '../../harness/eventually.ts';
import { freePort } from '../../harness/free-port.ts';
import { useRedis } from '../../harness/runner.ts';

const redisUrl = inject('redisUrl');
const redis = useRedis(redisUrl);

const settled = (p: Promise<void>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('ledger outbox bound', () => {
  it('holds the reads while the outbox has outboxMaxEntries entries, and lets them go below it', async () => {
    const outbox = `outbox-bound:${randomBytes(3).toString('hex')}`;
    const spoolDir = mkdtempSync(join(tmpdir(), 'flotilla-test-outbox-bound-'));
    const states: { backpressure: boolean; counters: ShipperCounters }[] = [];
    const ledger = await openRunnerLedger({
      clickhouseUrl: `http://127.0.0.1:${await freePort()}`, // nothing listens: nothing ships
      database: 'flotilla',
      spoolDir,
      redisUrl,
      outbox,
      deadLetters: `${outbox}:dlq`,
      shard: 0,
      consumer: 'test',
      outboxMaxEntries: 5,
      log: pino({ level: 'silent' }),
      onState: (backpressure, counters) => states.push({ backpressure, counters }),
    });
    try {
      for (let i = 0; i < 4; i++) await redis.xadd(outbox, '*', 'rows', '{}');
      await eventually('the outbox length reported', () =>
        states.at(-1)?.counters.outboxLength === 4 ? true : undefined,
      );
      expect(states.at(-1)?.backpressure).toBe(false);
      expect(await settled(ledger.ledger.whenWritable(), 100)).toBe(true);

      await redis.xadd(outbox, '*', 'rows', '{}');
      await eventually('back-pressure', () => (states.at(-1)?.backpressure ? true : undefined));
      expect(states.at(-1)?.counters.outboxLength).toBe(5);
      const writable = ledger.ledger.whenWritable();
      expect(await settled(writable, 1_000)).toBe(false);
      expect(ledger.migrated).toBe(false);

      await redis.xtrim(outbox, 'MAXLEN', 4);
      expect(await settled(writable, 5_000)).toBe(true);
      expect(states.at(-1)?.backpressure).toBe(false);
    } finally {
      await ledger.close();
      rmSync(spoolDir, { recursive: true, force: true });
    }
  });
});
