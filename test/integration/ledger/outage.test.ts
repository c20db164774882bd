// The writer against a ClickHouse that goes away: each test runs its own clickhouse-server on a
// data directory that outlives it, stops it mid-run and starts a new server on the same
// directory and ports (what a restarted pod or service does).
import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../runtime/src/ledger/spool-frame.ts';
import { LedgerWriter } from '../../../runtime/src/ledger/writer.ts';
import { type ClickHouseServer, makeDataDir, startClickHouse } from '../../harness/clickhouse.ts';
import { eventually } from '../../harness/eventually.ts';
import { decision, pnlEvent } from '../../unit/runtime/ledger/fixtures.ts';
import {
  clickHouseClient,
  finalCount,
  migratedDatabase,
  removeDir,
  tempSpoolDir,
} from './ledger-db.ts';

interface Rig {
  server: ClickHouseServer;
  client: ClickHouseClient;
  db: string;
  spoolDir: string;
  /** Stops the server; its data stays for `restart`. */
  stop(): Promise<void>;
  /** A new server on the same data directory and ports. */
  restart(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(): Promise<Rig> {
  const dataDir = makeDataDir();
  const spoolDir = await tempSpoolDir();
  let server = await startClickHouse({ dataDir });
  const client = clickHouseClient(server.url);
  cleanups.push(async () => {
    await client.close();
    await server.stop();
    await removeDir(dataDir);
    await removeDir(spoolDir);
  });
  const db = await migratedDatabase(client);
  return {
    get server() {
      return server;
    },
    client,
    db,
    spoolDir,
    stop: () => server.stop(),
    async restart() {
      server = await startClickHouse({
        dataDir,
        httpPort: server.httpPort,
        tcpPort: server.tcpPort,
      });
    },
  };
}

async function open(r: Rig, over: Partial<Parameters<typeof LedgerWriter.open>[0]> = {}) {
  const writer = await LedgerWriter.open({
    client: r.client,
    database: r.db,
    spoolDir: r.spoolDir,
    maxBatchRows: 50,
    flushIntervalMs: 20,
    retryInitialMs: 50,
    retryMaxMs: 250,
    ...over,
  });
  cleanups.push(() => writer.close());
  return writer;
}

let next = 0;
/** A batch of `n` decisions and as many P&L events, all with fresh ids. */
function batch(n: number) {
  const ids = Array.from({ length: n }, () => `r-${next++}`);
  return {
    decisions: ids.map((id) => decision({ id, entry_id: id })),
    pnl_events: ids.map((id) => pnlEvent({ id, position_id: id, delta: 0.5 })),
  };
}

describe('LedgerWriter when ClickHouse goes away', () => {
  it('spools while ClickHouse is stopped and leaves every record once after it restarts', async () => {
    const r = await rig();
    const writer = await open(r);
    let rows = 0;
    const write = async () => {
      const b = batch(50);
      rows += 50;
      await writer.write(b); // resolved = durable: the runner would XACK now
    };
    for (let i = 0; i < 10; i++) await write();
    expect(writer.counters.batchesSpooled).toBe(0);

    // Stop it while writes are in flight: some inserts fail half done, some never start.
    const inFlight = Array.from({ length: 5 }, () => write());
    await r.stop();
    await Promise.all(inFlight);
    for (let i = 0; i < 10; i++) await write();
    expect(writer.counters.batchesSpooled).toBeGreaterThanOrEqual(10);
    expect(writer.spooledBatches).toBeGreaterThan(0);

    await r.restart();
    for (let i = 0; i < 5; i++) await write(); // keeps order: behind the spooled batches
    await writer.whenDrained();
    expect(writer.spooledBatches).toBe(0);
    expect(writer.counters.rowsReplayed).toBeGreaterThan(0);
    expect(await finalCount(r.client, r.db, 'decisions')).toEqual({ rows, distinct: rows });
    expect(await finalCount(r.client, r.db, 'pnl_events')).toEqual({ rows, distinct: rows });
    expect((await readdir(r.spoolDir)).filter((n) => n.startsWith('seg-'))).toEqual([]);
  });

  it('applies back-pressure when the spool is full, drops nothing, and releases it on recovery', async () => {
    const r = await rig();
    await r.stop();
    const changes: boolean[] = [];
    const writer = await open(r, {
      spoolMaxBytes: 64 * 1024,
      spoolSegmentBytes: 8 * 1024,
      maxBatchRows: 40,
      onBackpressure: (on) => changes.push(on),
    });
    const writes: Promise<void>[] = [];
    const settled = new Set<number>();
    let rows = 0;
    while (!writer.backpressure) {
      const i = writes.length;
      const p = writer.write(batch(20)); // 40 rows: a full batch, flushed at once
      rows += 40;
      writes.push(p);
      void p.then(() => settled.add(i));
      await eventually('spooled or held', () =>
        settled.has(i) || writer.backpressure ? true : undefined,
      );
      expect(writes.length, 'the spool never filled').toBeLessThan(1_000);
    }
    // The last batch is held in memory, not spooled, not acknowledged; nothing was dropped.
    const held = writes.length - 1;
    expect(settled.has(held)).toBe(false);
    expect(settled.size).toBe(held);
    expect(writer.spoolBytes).toBeLessThanOrEqual(64 * 1024);
    expect(writer.counters.rowsSpooled).toBe(held * 40);
    expect(changes).toEqual([true]); // what the ledger thread tells the runner
    let writable = false;
    const released = writer.whenWritable().then(() => {
      writable = true;
    });
    expect(writable).toBe(false);

    await r.restart();
    await released;
    expect(changes).toEqual([true, false]);
    await Promise.all(writes);
    await writer.whenDrained();
    expect(await finalCount(r.client, r.db, 'decisions')).toEqual({
      rows: rows / 2,
      distinct: rows / 2,
    });
    expect(await finalCount(r.client, r.db, 'pnl_events')).toEqual({
      rows: rows / 2,
      distinct: rows / 2,
    });
  });

  it('after a crash, drops the torn tail of the spool and replays the rest', async () => {
    const r = await rig();
    await r.stop();
    const first = await open(r);
    const written = [batch(10), batch(10), batch(10)];
    for (const b of written) await first.write(b);
    expect(first.spooledBatches).toBe(3);
    await first.close();
    // A crash in the middle of a fourth append: its frame is cut short, and it was never acked.
    const [last] = (await readdir(r.spoolDir))
      .filter((n) => n.startsWith('seg-'))
      .sort()
      .reverse();
    const torn = encodeFrame(Buffer.from(JSON.stringify(batch(10))));
    await appendFile(join(r.spoolDir, last ?? ''), torn.subarray(0, torn.length - 7));

    await r.restart();
    const second = await open(r);
    expect(second.spoolRecovery).toMatchObject({ frames: 3, tornBytes: torn.length - 7 });
    await second.whenDrained();
    expect(second.counters.rowsReplayed).toBe(60);
    expect(await finalCount(r.client, r.db, 'decisions')).toEqual({ rows: 30, distinct: 30 });
  });
});
