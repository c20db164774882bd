// One batch into ClickHouse: an INSERT ... FORMAT JSONEachRow per table, in WRITABLE_TABLES
// order, each bounded by a timeout. The bodies are sent as they are (insert-bodies.ts). A failure
// part way leaves the earlier tables inserted; the batch is then inserted again whole, which the
// deterministic ids make harmless.
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { WRITABLE_TABLES } from './batching.ts';
import type { InsertBodies } from './insert-bodies.ts';
import { classifyInsertFailure, type InsertFailure } from './insert-failure.ts';

export type InsertOutcome = { ok: true } | { ok: false; failure: InsertFailure; err: unknown };

export async function insertBatch(
  client: ClickHouseClient,
  database: string,
  bodies: InsertBodies,
  timeoutMs: number,
  log: Logger,
): Promise<InsertOutcome> {
  try {
    for (const table of WRITABLE_TABLES) {
      const body = bodies[table];
      if (body === undefined || body.rows === 0) continue;
      const result = await client.exec({
        query: `INSERT INTO ${database}.${table} FORMAT JSONEachRow`,
        values: Readable.from([body.bytes()]),
        abort_signal: AbortSignal.timeout(timeoutMs),
      });
      // The answer to an INSERT is empty; reading it to the end frees the connection.
      await finished(result.stream.resume());
    }
    return { ok: true };
  } catch (err) {
    const failure = classifyInsertFailure(err);
    log[failure === 'permanent' ? 'error' : 'warn']({ err, failure }, 'ledger insert failed');
    return { ok: false, failure, err };
  }
}
