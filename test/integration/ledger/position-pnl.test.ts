// The P&L identity in ClickHouse: for every closed position the paper broker produced, the sum
// of its pnl_events (delta - fees) equals its realized net P&L from its fills
// (sells - buys - fees), read back with FINAL after the rows were written twice.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LedgerWriter } from '../../../runtime/src/ledger/writer.ts';
import { tradedLedger } from '../../unit/runtime/dataset/traded-ledger.ts';
import {
  clickHouseClient,
  dropDatabase,
  migratedDatabase,
  removeDir,
  tempSpoolDir,
} from './ledger-db.ts';

const client = clickHouseClient(inject('clickhouseUrl'));
let db: string;
let spoolDir: string;

const ledger = tradedLedger({
  seed: 9,
  instruments: ['BTC-USD', 'ETH-USD'],
  ticksPerInstrument: 4_000,
  strategies: [
    {
      name: 'momo',
      features: [
        { name: 'return', window: 10 },
        { name: 'rsi', window: 14 },
      ],
      threshold: 0.002,
    },
  ],
});

beforeAll(async () => {
  db = await migratedDatabase(client);
  spoolDir = await tempSpoolDir();
  const writer = await LedgerWriter.open({ client, spoolDir, database: db });
  await writer.write(ledger);
  await writer.write(ledger); // a replay replaces, never adds
  await writer.close();
});

afterAll(async () => {
  await dropDatabase(client, db);
  await removeDir(spoolDir);
  await client.close();
});

describe('pnl_events of a position', () => {
  it('sum to its realized net P&L from its fills', async () => {
    const rows = await (
      await client.query({
        query: `
          SELECT f.position_id AS position_id, f.realized AS realized, p.net AS net, p.events AS events
          FROM (
            SELECT position_id,
                   sumIf(qty * price, side = 'sell') - sumIf(qty * price, side = 'buy') - sum(fee) AS realized
            FROM ${db}.fills FINAL
            GROUP BY position_id
            HAVING countIf(kind = 'close') = 1
          ) AS f
          INNER JOIN (
            SELECT position_id, sum(delta) - sum(fees) AS net, count() AS events
            FROM ${db}.pnl_events FINAL
            GROUP BY position_id
          ) AS p USING position_id`,
        format: 'JSONEachRow',
      })
    ).json<{ position_id: string; realized: number; net: number; events: string }>();
    const closed = new Set(
      ledger.fills.filter((f) => f.kind === 'close').map((f) => f.position_id),
    );
    expect(closed.size).toBeGreaterThan(50);
    expect(rows.map((r) => r.position_id).sort()).toEqual([...closed].sort());
    for (const r of rows) {
      expect(Number(r.events)).toBeGreaterThanOrEqual(2); // at least the open and the close
      expect(r.net).toBeCloseTo(r.realized, 6);
    }
  });
});
