import { readdir } from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { migrateLedger } from '../../../runtime/src/ledger/migrate.ts';
import { equityCurve, getDecision, trainingSet } from '../../../runtime/src/ledger/queries.ts';
import { Spool } from '../../../runtime/src/ledger/spool.ts';
import { encodeFrame } from '../../../runtime/src/ledger/spool-frame.ts';
import { LedgerWriter } from '../../../runtime/src/ledger/writer.ts';
import { decision, handLedger, signal } from '../../unit/runtime/ledger/fixtures.ts';
import {
  clickHouseClient,
  dropDatabase,
  finalCount,
  migratedDatabase,
  removeDir,
  tempSpoolDir,
  uniqueDatabase,
} from './ledger-db.ts';

const client = clickHouseClient(inject('clickhouseUrl'));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await client.close();
});

async function writerOn(db: string, over: Partial<Parameters<typeof LedgerWriter.open>[0]> = {}) {
  const spoolDir = await tempSpoolDir();
  const writer = await LedgerWriter.open({ client, database: db, spoolDir, ...over });
  cleanups.push(async () => {
    await writer.close();
    await removeDir(spoolDir);
  });
  return { writer, spoolDir };
}

async function database(): Promise<string> {
  const db = await migratedDatabase(client);
  cleanups.push(() => dropDatabase(client, db));
  return db;
}

describe('LedgerWriter on ClickHouse 18.16', () => {
  it('writes every table and reads each row back as written', async () => {
    const db = await database();
    const { writer } = await writerOn(db);
    const ledger = handLedger();
    await writer.write(ledger);
    expect(writer.counters).toMatchObject({ batchesWritten: 1, batchesSpooled: 0 });

    for (const d of ledger.decisions) expect(await getDecision(client, db, d.id)).toEqual(d);
    expect(await getDecision(client, db, 'no-such-id')).toBeUndefined();
    const alpha = ledger.equity_points.filter((p) => p.strategy === 'alpha');
    expect(await equityCurve(client, db, 'alpha')).toEqual(alpha);
    const labelled = await trainingSet(client, db);
    expect(labelled.map((t) => [t.id, t.position_id, t.exit_reason])).toEqual(
      ledger.outcomes.map((o) => [o.decision_id, o.position_id, o.exit_reason]),
    );
    expect(labelled[0]).toMatchObject({ feature_values: [0.125, -2.5], r_multiple: 2 });
    for (const [table, rows] of Object.entries(ledger)) {
      const key = table === 'outcomes' ? 'decision_id' : 'id';
      expect((await finalCount(client, db, table, key)).rows, table).toBe(rows.length);
    }
  });

  it('replays a batch spooled by the previous version, which held its rows as JSON', async () => {
    const db = await database();
    const spoolDir = await tempSpoolDir();
    cleanups.push(() => removeDir(spoolDir));
    const spool = await Spool.open({ dir: spoolDir, maxBytes: 1 << 20, segmentBytes: 1 << 16 });
    const ledger = handLedger();
    await spool.append(encodeFrame(Buffer.from(JSON.stringify(ledger), 'utf8')));
    await spool.close();

    const { writer } = await writerOn(db, { spoolDir });
    await writer.whenDrained();
    const rows = Object.values(ledger).reduce((n, list) => n + list.length, 0);
    expect(writer.counters).toMatchObject({ rowsReplayed: rows, rejectedBatches: 0 });
    for (const d of ledger.decisions) expect(await getDecision(client, db, d.id)).toEqual(d);
    for (const [table, list] of Object.entries(ledger)) {
      const key = table === 'outcomes' ? 'decision_id' : 'id';
      expect((await finalCount(client, db, table, key)).rows, table).toBe(list.length);
    }
  });

  it('leaves each row once when the same rows are written again', async () => {
    const db = await database();
    const { writer } = await writerOn(db, { maxBatchRows: 7 });
    const ledger = handLedger();
    await writer.write(ledger);
    await writer.write(ledger); // a replay after a crash between insert and XACK
    await writer.write({ decisions: ledger.decisions.slice(0, 2) });
    expect(await finalCount(client, db, 'decisions')).toEqual({
      rows: ledger.decisions.length,
      distinct: ledger.decisions.length,
    });
    expect((await finalCount(client, db, 'pnl_events')).rows).toBe(ledger.pnl_events.length);
    const raw = await client.query({
      query: `SELECT count() AS n FROM ${db}.decisions`,
      format: 'JSONEachRow',
    });
    // Without FINAL the copies may still be there (merges are lazy): reads must use FINAL.
    expect(Number((await raw.json<{ n: string }>())[0]?.n)).toBeGreaterThanOrEqual(
      ledger.decisions.length,
    );
  });

  it('collects writes into batches of maxBatchRows and resolves each once durable', async () => {
    const db = await database();
    const { writer } = await writerOn(db, { maxBatchRows: 10, flushIntervalMs: 60_000 });
    const rows = Array.from({ length: 25 }, (_, i) => decision({ id: `b-${i}` }));
    const writes = rows.map((d) => writer.write({ decisions: [d] }));
    await Promise.all(writes.slice(0, 20)); // two full batches, flushed by size alone
    expect(writer.counters.batchesWritten).toBe(2);
    await writer.flush(); // the last 5 would otherwise wait a minute
    await Promise.all(writes);
    expect(writer.counters).toMatchObject({ batchesWritten: 3, rowsWritten: 25 });
    expect((await finalCount(client, db, 'decisions')).rows).toBe(25);
  });

  it('refuses rows ClickHouse rejects as invalid, without spooling them', async () => {
    const db = uniqueDatabase('unmigrated');
    await client.command({ query: `CREATE DATABASE ${db}` });
    cleanups.push(() => dropDatabase(client, db));
    const { writer, spoolDir } = await writerOn(db);
    await expect(writer.write({ signals: [signal()] })).rejects.toMatchObject({
      code: 'FLT_LEDGER_REJECTED',
      message: expect.stringMatching(/signals/),
    });
    expect(writer.counters).toMatchObject({ rejectedBatches: 1, batchesSpooled: 0 });
    expect((await readdir(spoolDir)).filter((n) => n.startsWith('seg-'))).toEqual([]);
    // Once the schema is there, the same writer takes rows again.
    await migrateLedger(client, db);
    await writer.write({ signals: [signal()] });
    expect((await finalCount(client, db, 'signals')).rows).toBe(1);
  });
});
